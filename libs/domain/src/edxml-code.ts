/**
 * The electronic identification code of a body (mã định danh điện tử), Decision 20/2020/QĐ-TTg: four groups read
 * from the lowest level up, `NNN.NN.NN.XNN` — level 4 (3 digits), level 3 (2), level 2 (2), and level 1 (a letter and
 * 2 digits: G for ministries and central bodies, H for provinces, A for the Party's and State's central bodies…),
 * zeros where a level is absent. `000.00.00.A80` and `000.00.00.H53` are level-1 bodies; `000.00.31.H53` one below
 * H53. The national document axis names senders and receivers by it (edXML OrganId, QCVN 102:2016).
 */
export const EDXML_CODE_PATTERN = /^[0-9]{3}\.[0-9]{2}\.[0-9]{2}\.[A-Z][0-9]{2}$/;

/** The code as stored (trimmed, upper case), or null when it is not one. */
export function normalizeEdxmlCode(raw: string): string | null {
  const code = raw.trim().toUpperCase();
  return EDXML_CODE_PATTERN.test(code) ? code : null;
}
