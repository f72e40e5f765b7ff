-- kin_matter_firms: the firms whose matters kin_matters holds: those an official or a declared relative
-- holds or serves in (kin_firms, kin_stakes), and the firms on the other side of a money flow with one of
-- them. Kept apart from the matters because it follows the registry and the flows, not new matters: a
-- patch of kin_matters after an import reads this short list instead of every money flow of a province.
-- @keep
WITH held AS (
    SELECT enterprise_uscc FROM kin_firms
    UNION
    SELECT enterprise_uscc FROM kin_stakes
)
SELECT enterprise_uscc FROM held
UNION
SELECT t.payer_id AS enterprise_uscc FROM transactions AS t JOIN held AS h ON h.enterprise_uscc = t.payee_id
UNION
SELECT t.payee_id AS enterprise_uscc FROM transactions AS t JOIN held AS h ON h.enterprise_uscc = t.payer_id
