-- Customer and partner names are Turkish more often than not, and the default collation (the
-- cluster's, often C or en_US) sorts Çelik after Zeta and Şahin after Urfa. Turkish collation
-- (ICU, shipped with PostgreSQL's Debian and managed builds) puts Ç after C, Ğ after G, I before
-- İ, Ö after O, Ş after S and Ü after U, and sorts plain Latin names as English readers expect
-- too, so every `order by name` of an organisation reads right without naming a collation.
-- Deterministic, so equality (and any future unique index) is unchanged.
alter table organisation alter column name type text collate "tr-x-icu";
