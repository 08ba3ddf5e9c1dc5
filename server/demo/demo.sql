-- Demo data for `make run` (CLOUDMARKET_DEMO=1): the organisations and catalog of SPEC §6.
-- Idempotent: every insert skips rows that already exist, so it runs at every start and never
-- undoes what a demo user changed. Users are inserted from Rust, which hashes their passwords.

insert into organisation (organisation_id, kind, parent_id, name, tax_number, phone, address) values
    ('00000000-0000-4000-8000-000000000001', 'distributor', null, 'Armada Bilgisayar', '0680004312', '+90 212 000 00 00', 'Istanbul'),
    ('00000000-0000-4000-8000-000000000002', 'partner', '00000000-0000-4000-8000-000000000001', 'Demo Reseller Bilişim Ltd.', '1234567890', '+90 216 000 00 00', 'Ankara'),
    ('00000000-0000-4000-8000-000000000003', 'customer', '00000000-0000-4000-8000-000000000002', 'Contoso Ltd', '9876543210', '+90 232 000 00 00', 'Izmir'),
    ('00000000-0000-4000-8000-000000000004', 'customer', '00000000-0000-4000-8000-000000000002', 'Northwind Traders', '5556667778', '+90 224 000 00 00', 'Bursa')
on conflict (organisation_id) do nothing;

insert into partner (organisation_id, mpn_id, dealer_code, credit_limit, currency) values
    ('00000000-0000-4000-8000-000000000002', '1234567', '120.01.0042', 5000.00, 'USD')
on conflict (organisation_id) do nothing;

-- Contoso already uses Microsoft 365 and has accepted the distributor as its CSP; Northwind has
-- never used Microsoft cloud, so its first order creates a tenant.
insert into customer (organisation_id, tenant_prefix, relationship_accepted_at, contact_name, contact_email) values
    ('00000000-0000-4000-8000-000000000003', 'contoso', now(), 'Contoso IT', 'admin@contoso.example'),
    ('00000000-0000-4000-8000-000000000004', null, null, 'Northwind IT', 'it@northwind.example')
on conflict (organisation_id) do nothing;

-- Both demo customers have ordered before (Northwind's month is billed): their signatories
-- accepted the Microsoft Customer Agreement then, so checkout does not ask again. Microsoft has
-- not been told yet: their next order's provisioning attests once, with these signatories.
insert into customer_agreement (customer_id, agreement_version, signatory_first_name, signatory_last_name,
                                signatory_email, signatory_company, signatory_country, signatory_language)
values
    ('00000000-0000-4000-8000-000000000003', '2025-07', 'Deniz', 'Kaya', 'admin@contoso.example', 'Contoso Ltd', 'TR', 'tr'),
    ('00000000-0000-4000-8000-000000000004', '2025-07', 'Ece', 'Demir', 'it@northwind.example', 'Northwind Traders', 'TR', 'tr')
on conflict (customer_id) do nothing;

insert into vendor (vendor_id, name) values
    ('00000000-0000-4000-8100-000000000001', 'Microsoft'),
    ('00000000-0000-4000-8100-000000000002', 'Acronis'),
    ('00000000-0000-4000-8100-000000000003', 'ESET')
on conflict (vendor_id) do nothing;

insert into product_group (product_group_id, vendor_id, name) values
    ('00000000-0000-4000-8200-000000000001', '00000000-0000-4000-8100-000000000001', 'Microsoft 365'),
    ('00000000-0000-4000-8200-000000000002', '00000000-0000-4000-8100-000000000001', 'Office 365'),
    ('00000000-0000-4000-8200-000000000003', '00000000-0000-4000-8100-000000000001', 'Exchange and Teams'),
    ('00000000-0000-4000-8200-000000000004', '00000000-0000-4000-8100-000000000001', 'Dynamics 365'),
    ('00000000-0000-4000-8200-000000000005', '00000000-0000-4000-8100-000000000002', 'Backup'),
    ('00000000-0000-4000-8200-000000000006', '00000000-0000-4000-8100-000000000003', 'Endpoint security')
on conflict (product_group_id) do nothing;

-- Base products first: add-ons reference them.
insert into product (product_id, product_group_id, sku, name, description, base_product_id) values
    ('00000000-0000-4000-8300-000000000001', '00000000-0000-4000-8200-000000000001', 'CFQ7TTC0LH18', 'Microsoft 365 Business Basic',
     'Formerly Office 365 Business Essentials: Exchange mail, Teams, SharePoint and OneDrive with web and mobile Office apps.', null),
    ('00000000-0000-4000-8300-000000000002', '00000000-0000-4000-8200-000000000001', 'CFQ7TTC0LDPB', 'Microsoft 365 Business Standard',
     'Business Basic plus the desktop Office apps.', null),
    ('00000000-0000-4000-8300-000000000003', '00000000-0000-4000-8200-000000000001', 'CFQ7TTC0LCHC', 'Microsoft 365 Business Premium',
     'Business Standard plus advanced security and device management.', null),
    ('00000000-0000-4000-8300-000000000004', '00000000-0000-4000-8200-000000000002', 'CFQ7TTC0LF8Q', 'Office 365 E1',
     'Web versions of Office with mail, file storage and Teams for enterprises.', null),
    ('00000000-0000-4000-8300-000000000005', '00000000-0000-4000-8200-000000000002', 'CFQ7TTC0LF8R', 'Office 365 E3',
     'Desktop Office apps, mail, file storage and compliance tools for enterprises.', null),
    ('00000000-0000-4000-8300-000000000006', '00000000-0000-4000-8200-000000000003', 'CFQ7TTC0LH16', 'Exchange Online (Plan 1)',
     'Business mail with a 50 GB mailbox.', null),
    ('00000000-0000-4000-8300-000000000007', '00000000-0000-4000-8200-000000000003', 'CFQ7TTC0RM8K', 'Microsoft Teams Essentials',
     'Meetings, chat and file sharing for small businesses.', null),
    ('00000000-0000-4000-8300-000000000008', '00000000-0000-4000-8200-000000000004', 'CFQ7TTC0LH3N', 'Dynamics 365 Business Central Essentials',
     'Finance, sales and operations management for small and mid-sized businesses.', null),
    ('00000000-0000-4000-8300-000000000020', '00000000-0000-4000-8200-000000000005', 'ACR-CPC-M365', 'Acronis Cyber Protect Cloud – Microsoft 365 backup',
     'Backup of Exchange, OneDrive, SharePoint and Teams, per protected seat.', null),
    ('00000000-0000-4000-8300-000000000021', '00000000-0000-4000-8200-000000000005', 'ACR-CPC-WS', 'Acronis Cyber Protect Cloud – workstation backup',
     'Image and file backup for Windows and macOS workstations, per device.', null),
    ('00000000-0000-4000-8300-000000000030', '00000000-0000-4000-8200-000000000006', 'ESET-PROTECT-ENTRY', 'ESET PROTECT Entry',
     'Endpoint protection with cloud management console, per device.', null),
    ('00000000-0000-4000-8300-000000000031', '00000000-0000-4000-8200-000000000006', 'ESET-PROTECT-ADV', 'ESET PROTECT Advanced',
     'Entry plus advanced threat defence and full disk encryption, per device.', null)
on conflict (product_id) do nothing;

insert into product (product_id, product_group_id, sku, name, description, base_product_id) values
    ('00000000-0000-4000-8300-000000000101', '00000000-0000-4000-8200-000000000001', 'CFQ7TTC0LHSF', 'Office 365 Extra File Storage',
     'Additional SharePoint storage, per GB.', '00000000-0000-4000-8300-000000000001'),
    ('00000000-0000-4000-8300-000000000102', '00000000-0000-4000-8200-000000000001', 'CFQ7TTC0LHXK', 'Microsoft Defender for Office 365 (Plan 1)',
     'Protection against phishing, malicious links and attachments.', '00000000-0000-4000-8300-000000000001'),
    ('00000000-0000-4000-8300-000000000103', '00000000-0000-4000-8200-000000000001', 'CFQ7TTC0LHDM', 'Microsoft Teams Audio Conferencing',
     'Dial-in numbers for Teams meetings.', '00000000-0000-4000-8300-000000000002'),
    ('00000000-0000-4000-8300-000000000104', '00000000-0000-4000-8200-000000000003', 'CFQ7TTC0LH0R', 'Exchange Online Archiving for Exchange Online',
     'Unlimited archive mailboxes and retention policies.', '00000000-0000-4000-8300-000000000006')
on conflict (product_id) do nothing;

-- Microsoft sells the Business plans to at most 300 seats per customer.
update product set max_seats = 300
where product_id in ('00000000-0000-4000-8300-000000000001', '00000000-0000-4000-8300-000000000002',
                     '00000000-0000-4000-8300-000000000003')
  and max_seats <> 300;

-- Per licence: a month for monthly, a year for annual. Monthly terms cost about 20 % more, as in
-- Microsoft's new-commerce price list. The list in effect since 2020-01-01 (issue #19: dated
-- prices), so the demo prices every market date the sandbox's clock can be set to.
insert into product_price (product_id, billing_cycle, unit_price, effective_from)
select product_id::uuid, billing_cycle::billing_cycle, unit_price, '2020-01-01' from (values
    ('00000000-0000-4000-8300-000000000001', 'monthly', 7.20),  ('00000000-0000-4000-8300-000000000001', 'annual', 72.00),
    ('00000000-0000-4000-8300-000000000002', 'monthly', 15.00), ('00000000-0000-4000-8300-000000000002', 'annual', 150.00),
    ('00000000-0000-4000-8300-000000000003', 'monthly', 26.40), ('00000000-0000-4000-8300-000000000003', 'annual', 264.00),
    ('00000000-0000-4000-8300-000000000004', 'monthly', 12.00), ('00000000-0000-4000-8300-000000000004', 'annual', 120.00),
    ('00000000-0000-4000-8300-000000000005', 'monthly', 27.60), ('00000000-0000-4000-8300-000000000005', 'annual', 276.00),
    ('00000000-0000-4000-8300-000000000006', 'monthly', 4.80),  ('00000000-0000-4000-8300-000000000006', 'annual', 48.00),
    ('00000000-0000-4000-8300-000000000007', 'monthly', 4.80),  ('00000000-0000-4000-8300-000000000007', 'annual', 48.00),
    ('00000000-0000-4000-8300-000000000008', 'monthly', 84.00), ('00000000-0000-4000-8300-000000000008', 'annual', 840.00),
    ('00000000-0000-4000-8300-000000000020', 'monthly', 3.00),  ('00000000-0000-4000-8300-000000000020', 'annual', 30.00),
    ('00000000-0000-4000-8300-000000000021', 'monthly', 5.50),  ('00000000-0000-4000-8300-000000000021', 'annual', 55.00),
    ('00000000-0000-4000-8300-000000000030', 'monthly', 3.20),  ('00000000-0000-4000-8300-000000000030', 'annual', 32.00),
    ('00000000-0000-4000-8300-000000000031', 'monthly', 4.50),  ('00000000-0000-4000-8300-000000000031', 'annual', 45.00),
    ('00000000-0000-4000-8300-000000000101', 'monthly', 0.24),  ('00000000-0000-4000-8300-000000000101', 'annual', 2.40),
    ('00000000-0000-4000-8300-000000000102', 'monthly', 2.40),  ('00000000-0000-4000-8300-000000000102', 'annual', 24.00),
    ('00000000-0000-4000-8300-000000000103', 'monthly', 4.80),  ('00000000-0000-4000-8300-000000000103', 'annual', 48.00),
    ('00000000-0000-4000-8300-000000000104', 'monthly', 3.60),  ('00000000-0000-4000-8300-000000000104', 'annual', 36.00)
) as price (product_id, billing_cycle, unit_price)
on conflict do nothing;

-- An announced price change, so the renewal notice and the import preview have something to show:
-- Microsoft 365 Business Basic 10 % dearer from the 1st of the month after next, monthly and
-- annual (annual billed monthly follows from annual below). Dated when the demo is first loaded,
-- and made once.
insert into product_price (product_id, billing_cycle, unit_price, currency, effective_from)
select product_id, billing_cycle, round(unit_price * 1.10, 2), currency,
       (date_trunc('month', current_date) + interval '2 months')::date
from product_price p
where product_id = '00000000-0000-4000-8300-000000000001' and effective_from = '2020-01-01'
  and billing_cycle in ('monthly', 'annual')
  and not exists (select 1 from product_price later
                  where later.product_id = p.product_id and later.effective_from > '2020-01-01');

-- "Annual, billed monthly": 1.05 × the annual price ÷ 12 per licence per month, rounded half up
-- to the cent (Microsoft's 5 % for paying an annual term monthly).
insert into product_price (product_id, billing_cycle, unit_price, currency, effective_from)
select product_id, 'annual_monthly', round(unit_price * 1.05 / 12, 2), currency, effective_from
from product_price where billing_cycle = 'annual'
on conflict do nothing;

-- Invoicing (issue #21): the tax identities invoices name. The distributor is the seller on every
-- invoice; the demo partner is registered for e-Fatura (TICARIFATURA). Set once: what a demo user
-- changes stays.
update organisation set tax_office = 'Büyük Mükellefler', address = 'Büyükdere Caddesi No: 185',
                        district = 'Şişli', city = 'İstanbul'
where organisation_id = '00000000-0000-4000-8000-000000000001' and tax_office is null;
update organisation set tax_office = 'Çankaya', address = 'Atatürk Bulvarı No: 100', district = 'Çankaya',
                        city = 'Ankara'
where organisation_id = '00000000-0000-4000-8000-000000000002' and tax_office is null;
update partner set invoice_profile = 'commercial'
where organisation_id = '00000000-0000-4000-8000-000000000002' and invoice_profile = 'e_archive'
  and not exists (select 1 from invoice where partner_id = '00000000-0000-4000-8000-000000000002');
