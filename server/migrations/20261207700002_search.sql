-- Global search (issue #20) compares names as people type them: without case, and with
-- Turkish letters folded to their plain forms, so "bilisim" finds "Bilişim" and "istanbul"
-- finds "İSTANBUL". Folded before lower(): lower('İ') depends on the collation, and Turkish
-- dotless ı has no plain upper-case partner. Immutable, so a trigram or expression index can
-- use it the day the tables outgrow a scan of one partner's rows.
create function search_key(text) returns text
    language sql immutable parallel safe strict
    return lower(translate($1, 'İIıŞşĞğÜüÖöÇçÂâÎîÛû', 'iiiSsGgUuOoCcAaIiUu'));
