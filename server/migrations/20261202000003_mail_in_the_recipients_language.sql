-- Mail was written in English only, although most of its readers are Turkish. Each person a mail
-- can go to now has a language: a user chooses theirs (the language switch remembers it), a
-- customer's contact gets the language of the partner who created the customer, and an applicant
-- the language the application was filled in.
create type language as enum ('en', 'tr');

alter table app_user add column language language not null default 'en';
alter table customer add column contact_language language not null default 'en';
alter table partner_application add column language language not null default 'en';

-- The language a mail to this address is written in: the user's own choice first (a customer's
-- contact may also be its portal admin), then the contact's, then the applicant's, else English.
-- One place decides, so every path that queues mail (a transaction's rows, checkout's single
-- statement, a job) picks the same language for the same person.
create function recipient_language(address text) returns language
    language sql stable
    return coalesce(
        (select language from app_user where email = lower(address)),
        (select contact_language from customer where contact_email = lower(address) limit 1),
        (select language from partner_application where contact_email = lower(address)
         order by submitted_at desc limit 1),
        'en'
    );
