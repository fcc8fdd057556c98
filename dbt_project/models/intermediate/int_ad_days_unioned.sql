-- Ad platforms' campaign-day rows in one shape, spend converted to var('reporting_currency')
-- at the rate valid on the day (int_fx_rates_to_reporting_currency). A spend whose currency
-- has no rate that day keeps reporting_spend NULL and is_fx_missing true: never guessed.
with

meta as (select * from {{ ref('stg_meta__ad_days') }}),
linkedin as (select * from {{ ref('stg_linkedin__ad_days') }}),
tiktok as (select * from {{ ref('stg_tiktok__ad_days') }}),

fx as (
    select * from {{ ref('int_fx_rates_to_reporting_currency') }}
),

files as (
    select * from {{ ref('stg_ingest__files') }}
),

unioned as (
    select 'meta_ads' as source, * from meta
    union all
    select 'linkedin_ads' as source, * from linkedin
    union all
    select 'tiktok_ads' as source, * from tiktok
),

final as (
    select
        {{ dbt.hash(
            "u.source || '|' || coalesce(u.ad_campaign_id, '') || '|' || u.campaign_name || '|'"
            ~ " || coalesce(u.ad_group_name, '') || '|' || coalesce(u.ad_name, '') || '|'"
            ~ " || cast(u.ad_date as " ~ dbt.type_string() ~ ") || '|'"
            ~ " || cast(u.days_covered as " ~ dbt.type_string() ~ ")"
        ) }} as ad_row_id,
        u.*,
        case
            when u.currency = '{{ var("reporting_currency") }}' then u.spend
            else u.spend * fx.rate_to_reporting
        end as reporting_spend,
        coalesce(
            u.spend is not null
            and u.currency <> '{{ var("reporting_currency") }}'
            and fx.rate_to_reporting is null,
            false
        ) as is_fx_missing,
        f.loaded_at as _loaded_at
    from unioned as u
    left join files as f
        on u._file_id = f.file_id
    left join fx
        on u.currency = fx.currency
        and u.ad_date >= fx.valid_from
        and u.ad_date < fx.valid_to
)

select * from final
