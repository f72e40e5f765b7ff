-- enterprise_names: every registered firm's code and name, what the rules look up to label a firm in an
-- alert. Held in the scan's memory, uncompressed: a look-up of a few hundred firms otherwise decompresses
-- the code and name of all of a province's 2M firms in the columnar copy (about 60 ms a look-up against
-- about 20 ms, and a full scan makes some thirty of them; building this costs about one look-up's worth).
-- @memory
SELECT uscc, name FROM enterprises
