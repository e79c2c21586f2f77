// Electronic Address Scheme (EAS) codes for an electronic address (BT-34 seller, BT-49 buyer): the CEF EAS code list as
// Peppol BIS Billing 3.0 accepts it (release 3.0.19, rule PEPPOL-EN16931-CL008). Plain data, client-safe.
// "EM" (e-mail) is in the CEF list but not accepted by Peppol, so it is not offered here.

export const EAS_CODES: ReadonlySet<string> = new Set(
  (
    "0002 0007 0009 0037 0060 0088 0096 0097 0106 0130 0135 0142 0147 0151 0154 0158 0170 0177 0183 0184 0188 0190 " +
    "0191 0192 0193 0194 0195 0196 0198 0199 0200 0201 0202 0203 0204 0205 0208 0209 0210 0211 0212 0213 0215 0216 " +
    "0217 0218 0221 0225 0230 0235 0240 9910 9913 9914 9915 9918 9919 9920 9922 9923 9924 9925 9926 9927 9928 9929 " +
    "9930 9931 9932 9933 9934 9935 9936 9937 9938 9939 9940 9941 9942 9943 9944 9945 9946 9947 9948 9949 9950 9951 " +
    "9952 9953 9957 9959"
  ).split(" "),
);

/** Why this is not an EAS code Peppol accepts, or null when it is. */
export function easProblem(code: string): string | null {
  if (EAS_CODES.has(code)) return null;
  if (code.trim().toUpperCase() === "EM")
    return "EM (e-mail) is not accepted by Peppol: give a registered electronic address";
  return /^\d{4}$/.test(code)
    ? `${code} is not in the EAS code list`
    : "must be a 4-digit EAS code, e.g. 0208 or 9930";
}

export const EINVOICE_FORMATS = [
  "NONE",
  "PEPPOL",
  "XRECHNUNG",
  "FACTURX",
] as const;
export type EinvoiceFormat = (typeof EINVOICE_FORMATS)[number];
