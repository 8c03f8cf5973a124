// The name, description and visibility of a group room: one set of fields for creating a room and for its settings.
import type { TFunction } from 'i18next';
import { useTranslation } from 'react-i18next';
import type { Visibility } from '../../../protocol/types.js';
import { validate } from '../lib/validation.js';

export interface RoomFieldValues {
  name: string;
  description: string;
  visibility: Visibility;
}

export interface RoomFieldErrors {
  name: string | null;
  description: string | null;
}

export function roomFieldErrors(t: TFunction, v: RoomFieldValues): RoomFieldErrors {
  return { name: validate(t, 'roomName', v.name), description: validate(t, 'description', v.description) };
}

export function RoomFields(props: {
  /** Makes the element ids unique on the page (two forms can be open at once). */
  idPrefix: string;
  value: RoomFieldValues;
  onChange(next: RoomFieldValues): void;
  errors: RoomFieldErrors;
  /** A blank new form does not start out red: the name error shows once the user has tried to submit. */
  showNameError: boolean;
  autoFocus?: boolean;
  descriptionRows?: number;
}) {
  const { t } = useTranslation();
  const { idPrefix: id, value, onChange, errors } = props;
  const nameError = props.showNameError ? errors.name : null;
  return (
    <>
      <div className="field">
        <label htmlFor={`${id}-name`}>{t('create.name')}</label>
        <input
          id={`${id}-name`}
          autoFocus={props.autoFocus}
          data-autofocus={props.autoFocus || undefined}
          value={value.name}
          onChange={(e) => onChange({ ...value, name: e.target.value })}
          aria-invalid={nameError ? true : undefined}
          aria-describedby={nameError ? `${id}-name-error` : undefined}
        />
        {nameError && (
          <div className="field-error" id={`${id}-name-error`}>
            {nameError}
          </div>
        )}
      </div>
      <div className="field">
        <label htmlFor={`${id}-desc`}>{t('create.description')}</label>
        <textarea
          id={`${id}-desc`}
          rows={props.descriptionRows ?? 2}
          value={value.description}
          onChange={(e) => onChange({ ...value, description: e.target.value })}
          aria-invalid={errors.description ? true : undefined}
          aria-describedby={errors.description ? `${id}-desc-error` : undefined}
        />
        {errors.description && (
          <div className="field-error" id={`${id}-desc-error`}>
            {errors.description}
          </div>
        )}
      </div>
      <fieldset className="field">
        <legend>{t('create.visibility')}</legend>
        {(['private', 'public'] as const).map((v) => (
          <label key={v} className="radio">
            <input
              type="radio"
              name={`${id}-vis`}
              value={v}
              checked={value.visibility === v}
              onChange={() => onChange({ ...value, visibility: v })}
            />
            <span>
              {t(`create.${v}`)} <span className="hint">{t(`create.${v}Hint`)}</span>
            </span>
          </label>
        ))}
      </fieldset>
    </>
  );
}
