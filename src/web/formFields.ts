import { html, type Html } from "./html";

/** A labelled input of the pages' forms. */
export interface InputField {
  id: string;
  name: string;
  label: string;
  /** What the form was sent with, written back after a refusal (never a PIN, code or national ID). */
  value?: string;
  required?: boolean;
  /** The phone's number pad; the pages read Persian and Arabic-Indic digits as digits. */
  numeric?: boolean;
  /** Written left to right, not spell-checked (references, amounts, signatures). */
  ltr?: boolean;
  /** A PIN or a code: typed unseen. */
  secret?: boolean;
  /** A hint written under the field, which describes it. */
  hint?: { id: string; text: string };
  /** Or the id of a hint elsewhere on the page that describes it. */
  describedBy?: string;
  autocomplete?: string;
  maxLength?: number;
}

/** A labelled input: nothing remembered by the browser unless `autocomplete` says otherwise. */
export function inputField(field: InputField): Html {
  const describedBy = field.hint?.id ?? field.describedBy;
  return html`<label for="${field.id}">${field.label}</label>
    <input
      id="${field.id}"
      name="${field.name}"
      ${field.secret ? html`type="password"` : ""}
      ${field.numeric ? html`inputmode="numeric"` : ""}
      ${field.required ? html`required` : ""}
      ${field.ltr ? html`dir="ltr" spellcheck="false"` : ""}
      ${describedBy ? html`aria-describedby="${describedBy}"` : ""}
      autocomplete="${field.autocomplete ?? "off"}"
      ${field.maxLength !== undefined ? html`maxlength="${String(field.maxLength)}"` : ""}
      ${field.value !== undefined ? html`value="${field.value}"` : ""}
    />
    ${field.hint ? html`<p class="hint" id="${field.hint.id}">${field.hint.text}</p>` : ""}`;
}

/** A labelled field of digits (minutes, a PIN, an SMS code): the phone's number pad. */
export function digitsField(field: Omit<InputField, "numeric">): Html {
  return inputField({ ...field, numeric: true });
}
