/** A spinner and what is being waited for, announced to screen readers. */
export function Loading({ text, testId }: { text: string; testId?: string }) {
  return (
    <div className="empty-state" role="status" data-testid={testId}>
      <span className="spinner" aria-hidden="true" />
      <p>{text}</p>
    </div>
  )
}
