/**
 * `fold_vi(text)` folds Vietnamese text to unaccented lower case in SQL, the same as `foldVietnamese()` for NFC
 * text (migration Registers1763860000000 built the two strings from the letters it lists). `directive.search` is a
 * stored column generated with it: a change of the folding is applied to the rows only by a migration that rewrites
 * the column, as replacing the function does not recompute stored values.
 */
export const FOLD_VI = `CREATE OR REPLACE FUNCTION fold_vi(t text) RETURNS text LANGUAGE sql IMMUTABLE PARALLEL SAFE AS $$
      SELECT translate(lower(normalize(t, NFC)), 'àáảãạăằắẳẵặâầấẩẫậèéẻẽẹêềếểễệìíỉĩịòóỏõọôồốổỗộơờớởỡợùúủũụưừứửữựỳýỷỹỵđÀÁẢÃẠĂẰẮẲẴẶÂẦẤẨẪẬÈÉẺẼẸÊỀẾỂỄỆÌÍỈĨỊÒÓỎÕỌÔỒỐỔỖỘƠỜỚỞỠỢÙÚỦŨỤƯỪỨỬỮỰỲÝỶỸỴĐ', 'aaaaaaaaaaaaaaaaaeeeeeeeeeeeiiiiiooooooooooooooooouuuuuuuuuuuyyyyydaaaaaaaaaaaaaaaaaeeeeeeeeeeeiiiiiooooooooooooooooouuuuuuuuuuuyyyyyd')
    $$`;
