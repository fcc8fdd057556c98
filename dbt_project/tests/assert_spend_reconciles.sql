-- Per platform, ad spend in staging, converted here independently (the fx_rates row of the
-- currency valid on the day, through EUR), equals the daily funnel's spend plus the
-- unattributed mart's. Amounts without a rate are left out on both sides.
{%- set reporting = var('reporting_currency') %}
with

ads as (
    {%- for model in ['stg_meta__ad_days', 'stg_linkedin__ad_days', 'stg_tiktok__ad_days'] %}
    select platform, ad_date, spend, currency from {{ ref(model) }}
    {% if not loop.last %}union all{% endif %}
    {%- endfor %}
),

rates as (
    select upper(currency) as currency, rate_to_eur, valid_from from {{ ref('fx_rates') }}
    union all
    select 'EUR', 1.0, cast('1900-01-01' as date)
),

converted as (
    select
        a.platform,
        case
            when a.currency = '{{ reporting }}' then a.spend
            else a.spend
                * (select r.rate_to_eur from rates as r where r.currency = a.currency
                   and r.valid_from <= a.ad_date order by r.valid_from desc limit 1)
                / (select r.rate_to_eur from rates as r where r.currency = '{{ reporting }}'
                   and r.valid_from <= a.ad_date order by r.valid_from desc limit 1)
        end as spend
    from ads as a
),

staging as (
    select platform, sum(spend) as spend from converted group by platform
),

marts as (
    select platform, sum(spend) as spend
    from (
        select platform, spend from {{ ref('fct_campaign_funnel_daily') }}
        union all
        select platform, spend from {{ ref('unattributed') }} where record_type = 'ad_day'
    ) as m
    group by platform
)

select coalesce(s.platform, m.platform) as platform, s.spend as staging_spend, m.spend as mart_spend
from staging as s
full outer join marts as m
    on s.platform = m.platform
where abs(coalesce(s.spend, 0) - coalesce(m.spend, 0)) > 0.005
