-- The marketplace's clock follows the sandbox's offset only on connections of a server that runs
-- the sandbox. Until now any row in sandbox.clock moved market_now() for every process, so with a
-- real Partner Center an anonymous `PUT /sandbox/clock` renewed and charged every subscription.
-- Each server process sets `cloudmarket.sandbox_clock` on its connections (on with the sandbox,
-- off without, so a database or role default cannot turn it on); anything else, such as psql or
-- a report, reads the real clock.
create or replace function market_now() returns timestamptz as $$
    select now() + case when current_setting('cloudmarket.sandbox_clock', true) = 'on'
                        then coalesce((select offset_by from sandbox.clock), interval '0')
                        else interval '0' end;
$$ language sql stable;
