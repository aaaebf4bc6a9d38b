// A person's registration form, shared by the site's walk-in and the citizen's e-health book: the fields
// (named by registration's body fields, so its refusals land at the right input) and the body they make.
import { tCode } from "../i18n";
import { type FieldSpec, str, type Values } from "./form";

export function personFields(): FieldSpec[] {
  return [
    { name: "full_name", label: "person.fullName", required: true, autocomplete: "name" },
    { name: "national_id_kind", label: "person.idKind", type: "select", required: true,
      options: ["CITIZEN_ID", "LEGACY_ID_CARD", "PASSPORT", "OTHER"].map((k) => ({ value: k, label: tCode("document", k) })) },
    { name: "national_id", label: "person.idNumber", required: true },
    { name: "date_of_birth", label: "person.dateOfBirth", type: "date", required: true },
    { name: "sex", label: "person.sex", type: "select", required: true,
      options: ["FEMALE", "MALE", "OTHER", "UNKNOWN"].map((k) => ({ value: k, label: tCode("sex", k) })) },
    { name: "phone", label: "person.phone", autocomplete: "tel" },
    { name: "occupation", label: "person.occupation" },
    { name: "address.province_code", label: "person.province", required: true },
    { name: "address.district_code", label: "person.district" },
    { name: "address.commune_code", label: "person.commune" },
    { name: "address.address_line", label: "person.addressLine" },
  ];
}

/** Registration's body fields of `personFields()` (the caller adds the channel and its own fields). */
export function personBody(values: Values) {
  return {
    national_id_kind: str(values, "national_id_kind"), national_id: str(values, "national_id"),
    full_name: str(values, "full_name"), date_of_birth: str(values, "date_of_birth"), sex: str(values, "sex"),
    phone: str(values, "phone"), occupation: str(values, "occupation"),
    address: { province_code: str(values, "address.province_code"), district_code: str(values, "address.district_code"),
               commune_code: str(values, "address.commune_code"), address_line: str(values, "address.address_line") },
  };
}
