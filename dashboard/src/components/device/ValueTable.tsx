import { type DeviceView, telemetryFields } from '@fm/protocol'
import { useTranslation } from 'react-i18next'
import { formatTime } from '../../i18n/format.ts'
import { useLanguage } from '../../i18n/i18n.ts'
import { ValueText } from '../value/ValueText.tsx'
import './ValueTable.css'

/** Every field of the kind, in catalogue order; fields the device never reported show a dash, not a gap. */
export function ValueTable({ device }: { device: DeviceView }) {
  const { t } = useTranslation()
  const language = useLanguage()
  return (
    <table className="value-table">
      <caption className="visually-hidden">{t('device.values')}</caption>
      <thead className="visually-hidden">
        <tr>
          <th scope="col">{t('device.field')}</th>
          <th scope="col">{t('device.value')}</th>
        </tr>
      </thead>
      <tbody>
        {telemetryFields(device.kind).map((field) => (
          <tr key={field.key} className="value-table__row" data-reported={device.values[field.key] !== undefined}>
            <th scope="row" className="value-table__label">
              {t(`fields.${device.kind}.${field.key}`)}
            </th>
            <td className="value-table__value">
              <ValueText field={field} value={device.values[field.key]} />
            </td>
          </tr>
        ))}
      </tbody>
      {device.valuesTs !== null && (
        <tfoot>
          <tr className="value-table__meta">
            <th scope="row">{t('device.updated')}</th>
            <td className="tabular">{formatTime(device.valuesTs, language, 'dateTime')}</td>
          </tr>
        </tfoot>
      )}
    </table>
  )
}
