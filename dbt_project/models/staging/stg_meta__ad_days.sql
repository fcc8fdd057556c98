-- Meta Ads Manager, one row per campaign and day. A report not broken down by day has one row
-- per campaign for reporting_starts..reporting_ends: kept as one row dated reporting_starts,
-- days_covered telling how many days it stands for. A day is the same day whatever report
-- period it was downloaded in, so overlapping daily exports do not double count.
with

source as (
    {{ latest_snapshot(source('raw', 'meta_ads'), ['campaign_name', 'coalesce(day, reporting_starts)',
        'case when day is null and reporting_ends > reporting_starts then reporting_ends end']) }}
),

renamed as (
    select
        'meta' as platform,
        cast(null as {{ dbt.type_string() }}) as ad_campaign_id,
        trim(campaign_name) as campaign_name,
        cast(null as {{ dbt.type_string() }}) as ad_group_name,
        cast(null as {{ dbt.type_string() }}) as ad_name,
        coalesce(day, reporting_starts) as ad_date,
        case
            when day is null then 1 + {{ dbt.datediff(
                'reporting_starts', 'coalesce(reporting_ends, reporting_starts)', 'day') }}
            else 1
        end as days_covered,
        amount_spent as spend,
        upper(coalesce(_currency, '{{ var("ads_currency") }}')) as currency,
        impressions,
        reach,
        link_clicks as clicks,
        cast(null as {{ dbt.type_bigint() }}) as engagements,
        case when lower(result_indicator) like '%lead%' then results end as leads,
        case when lower(result_indicator) like '%purchase%' then results end as purchases,
        case when lower(result_indicator) like '%conversion%' and lower(result_indicator)
            not like '%lead%' and lower(result_indicator) not like '%purchase%'
            then cast(results as {{ dbt.type_float() }}) end as conversions,
        _file_id,
        _exported_at
    from source
)

select * from renamed
