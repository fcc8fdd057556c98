-- TikTok Ads Manager, one row per ad and day; the currency is the account's (var ads_currency).
with

source as (
    {{ latest_snapshot(source('raw', 'tiktok_ads'), ['day', 'campaign_name', 'ad_group_name', 'ad_name']) }}
),

renamed as (
    select
        'tiktok' as platform,
        cast(null as {{ dbt.type_string() }}) as ad_campaign_id,
        trim(campaign_name) as campaign_name,
        ad_group_name,
        ad_name,
        day as ad_date,
        1 as days_covered,
        cost as spend,
        upper(coalesce(_currency, '{{ var("ads_currency") }}')) as currency,
        impressions,
        reach,
        clicks,
        cast(null as {{ dbt.type_bigint() }}) as engagements,
        cast(null as {{ dbt.type_bigint() }}) as leads,
        cast(null as {{ dbt.type_bigint() }}) as purchases,
        cast(conversions as {{ dbt.type_float() }}) as conversions,
        _file_id,
        _exported_at
    from source
)

select * from renamed
