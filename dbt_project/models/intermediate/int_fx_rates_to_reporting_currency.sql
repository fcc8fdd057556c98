-- Rates from each currency to var('reporting_currency'), per validity interval, from the
-- editable seed fx_rates (rate_to_eur: one unit of the currency in EUR, valid from valid_from
-- until the next row of that currency). EUR is the pivot (always 1): X -> reporting =
-- X->EUR / reporting->EUR.
-- Before a currency's first valid_from there is no rate: amounts are flagged, never guessed.
with

seed_rates as (
    select * from {{ ref('fx_rates') }}
),

with_pivot as (
    select upper(trim(currency)) as currency, rate_to_eur, valid_from
    from seed_rates
    where upper(trim(currency)) <> 'EUR' and rate_to_eur > 0
    union all
    select 'EUR' as currency, 1.0 as rate_to_eur, cast('1900-01-01' as date) as valid_from
),

rates as (
    select
        currency,
        rate_to_eur,
        valid_from,
        coalesce(
            lead(valid_from) over (partition by currency order by valid_from),
            cast('9999-12-31' as date)
        ) as valid_to
    from with_pivot
),

reporting as (
    select * from rates
    where currency = '{{ var("reporting_currency") }}'
),

final as (
    select
        r.currency,
        greatest(r.valid_from, p.valid_from) as valid_from,
        least(r.valid_to, p.valid_to) as valid_to,
        r.rate_to_eur / p.rate_to_eur as rate_to_reporting
    from rates as r
    inner join reporting as p
        on r.valid_from < p.valid_to
        and p.valid_from < r.valid_to
)

select * from final
