import type { Ref } from 'react'

interface SelectProps<V extends string> {
  id: string
  testId: string
  value: V
  onChange: (value: V) => void
  /** Each option by its label, in this order. */
  options: readonly { value: V; label: string }[]
  /** The label of a first option for none, or any, whose value is "". */
  none?: string
  disabled?: boolean
  invalid?: boolean
  selectRef?: Ref<HTMLSelectElement>
}

/** A select of `options`; `onChange` gets the value picked. */
export function Select<V extends string>(props: SelectProps<V>) {
  const { id, testId, value, onChange, options, none, disabled, invalid, selectRef } = props
  return (
    <select
      id={id}
      ref={selectRef}
      className="select"
      data-testid={testId}
      value={value}
      disabled={disabled}
      onChange={(event) => onChange(event.target.value as V)}
      aria-invalid={invalid || undefined}
    >
      {none !== undefined && <option value="">{none}</option>}
      {options.map((option) => (
        <option key={option.value} value={option.value}>
          {option.label}
        </option>
      ))}
    </select>
  )
}
