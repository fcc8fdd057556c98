{{ config(
    materialized='incremental',
    incremental_strategy='delete+insert',
    unique_key='activity_date',
    on_schema_change='fail',
    pre_hook="{{ funnel_delete_window() }}",
) }}
{#- Incremental window (daily partitions): macros/funnel_recompute.sql. Edited seeds need a
    --full-refresh. -#}
-- depends_on: {{ ref('stg_plan__campaigns') }}, {{ ref('stg_ingest__files') }}
{%- set window = funnel_window() %}
-- The daily funnel per campaign x platform, under the default attribution model
-- (var attribution_model), money in var reporting_currency, dates in var reporting_timezone.
with

activities as (
    select * from {{ ref('int_activities_unioned') }}
    where campaign_id is not null
),

conversions as (
    select * from {{ ref('int_conversions_unioned') }}
    where campaign_id is not null
        and attribution_model = '{{ var("attribution_model") }}'
        and conversion_date is not null
),

unioned as (
    select
        campaign_id, platform, activity_date, impressions, engagements, clicks, sessions,
        0 as leads, 0 as won_deals, 0 as revenue, spend, is_fx_missing, _loaded_at
    from activities
    union all
    select
        campaign_id, platform, conversion_date as activity_date, null as impressions,
        null as engagements, null as clicks, null as sessions, leads, won_deals, revenue,
        null as spend, is_fx_missing, _loaded_at
    from conversions
),

aggregated as (
    select
        campaign_id,
        platform,
        activity_date,
        '{{ var("attribution_model") }}' as attribution_model,
        '{{ var("reporting_currency") }}' as reporting_currency,
        {%- for metric in ['impressions', 'engagements', 'clicks', 'sessions'] %}
        cast(coalesce(sum({{ metric }}), 0) as {{ dbt.type_bigint() }}) as {{ metric }},
        {%- endfor %}
        {%- for metric in ['leads', 'won_deals', 'revenue', 'spend'] %}
        coalesce({{ exact_sum(metric) }}, 0) as {{ metric }},
        {%- endfor %}
        {{ dbt.bool_or('is_fx_missing') }} as has_fx_missing,
        max(_loaded_at) as last_loaded_at
    from unioned
    group by campaign_id, platform, activity_date
),

final as (
    select * from aggregated
    where {{ window }}
)

select * from final
