-- LinkedIn Campaign Manager, one row per campaign and day. Engagements follow the metric's
-- definition (reactions + comments + shares), not Total Engagements (which counts clicks).
with

source as (
    {{ latest_snapshot(source('raw', 'linkedin_ads'), ['campaign_id', 'campaign_name', 'start_date']) }}
),

renamed as (
    select
        'linkedin' as platform,
        campaign_id as ad_campaign_id,
        trim(campaign_name) as campaign_name,
        cast(null as {{ dbt.type_string() }}) as ad_group_name,
        cast(null as {{ dbt.type_string() }}) as ad_name,
        start_date as ad_date,
        1 as days_covered,
        total_spent as spend,
        upper(
            coalesce(nullif(trim(currency), ''), _currency, '{{ var("ads_currency") }}')
        ) as currency,
        impressions,
        reach,
        coalesce(clicks_to_landing_page, clicks) as clicks,
        case
            when coalesce(reactions, comments, shares) is not null
                then coalesce(reactions, 0) + coalesce(comments, 0) + coalesce(shares, 0)
        end as engagements,
        leads,
        cast(null as {{ dbt.type_bigint() }}) as purchases,
        cast(conversions as {{ dbt.type_float() }}) as conversions,
        _file_id,
        _exported_at
    from source
)

select * from renamed
