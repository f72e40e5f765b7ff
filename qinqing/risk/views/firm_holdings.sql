-- firm_holdings: the registry's firm-to-firm holdings (a firm holding shares of another), with the held
-- firm's name: the edges every ownership walk follows. A few percent of all holdings (a province has 4M
-- holdings, 250k of them by firms), kept apart so that a walk reads those edges and nothing else, and
-- names each firm it reaches without looking through the whole register again.
SELECT h.holder_id, h.enterprise_uscc, h.share_ratio, e.name
FROM holdings AS h
JOIN enterprises AS e ON e.uscc = h.enterprise_uscc
WHERE h.holder_type = 'enterprise' AND h.holder_id IS NOT NULL
