-- enterprise_names: every registered firm's code and name, what the rules look up to label a firm in an
-- alert. Kept in the columnar copy uncompressed with an index on the code: a look-up of a few hundred
-- firms reads those firms' rows through the index (about 3 ms), where a scan of the compressed copy
-- decompresses the code and name of all of a province's 2M firms (about 60 ms; 20 ms uncompressed in
-- memory, which took 0.12 s to build in every scan). A full scan makes some thirty look-ups.
-- Its rows follow new and changed firms by their code.
-- @lookup uscc
-- @patch enterprises.uscc
SELECT uscc, name FROM enterprises
