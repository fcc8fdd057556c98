{{ config(
    materialized='incremental',
    incremental_strategy='append',
    on_schema_change='fail',
    pre_hook=[
        before_begin("{{ unattributed_add_last_loaded_at() }}"),
        "{{ unattributed_forget_changed_units() }}",
    ],
) }}
{#- A later run rebuilds only the sources (GA4: the days) with rows loaded since: the macros
    in unattributed_units.sql say how. -#}
-- What matched no campaign, one row per source record (and per touch for leads), with the
-- label, URL and text that failed to match and its volume, so a marketer can fix the plan.
-- Conversions are those of the default attribution model (var attribution_model).
{%- set changed_units = unattributed_changed_units() %}
with
activities as (
    select * from {{ ref('int_activities_unioned') }}
    where campaign_id is null
    {%- if is_incremental() %}
        -- the changed units, deleted by the pre-hook (see macros/unattributed_units.sql)
        and {{ unattributed_in_changed_units(
            unattributed_unit('source', 'activity_type', 'activity_date'), changed_units) }}
    {%- endif %}
),

conversions as (
    select * from {{ ref('int_conversions_unioned') }}
    where campaign_id is null
        and attribution_model = '{{ var("attribution_model") }}'
    {%- if is_incremental() %}
        and {{ unattributed_in_changed_units('source', changed_units) }}
    {%- endif %}
),

unioned as (
    select
        source, activity_type as record_type, platform, record_id,
        cast(null as {{ dbt.type_string() }}) as touch, activity_date, campaign_label, url,
        substring(text, 1, 280) as text, impressions, engagements, clicks, sessions, spend,
        0 as leads, 0 as won_deals, 0 as revenue, is_fx_missing,
        case activity_type
            when 'post' then 'engagements' when 'ad_day' then 'spend' else 'sessions'
        end as volume_unit,
        case activity_type
            when 'post' then engagements when 'ad_day' then spend else sessions
        end as volume,
        _loaded_at
    from activities
    union all
    select
        source, conversion_type as record_type, platform, record_id, touch,
        conversion_date as activity_date, campaign_label, url, text,
        null as impressions, null as engagements, null as clicks, null as sessions,
        null as spend, leads, won_deals, revenue, is_fx_missing,
        case conversion_type when 'lead' then 'leads' else 'won_deals' end as volume_unit,
        case conversion_type when 'lead' then leads else won_deals end as volume,
        _loaded_at
    from conversions
    where conversion_type = 'lead' or won_deals > 0
),

-- Posts, ad days, web days and leads are one row each already (per touch for leads); a deal
-- can reach this mart through several of its people, so only deals are summed per record.
final as (
    select
        source, record_type, platform, record_id, touch, activity_date, campaign_label, url,
        text, '{{ var("attribution_model") }}' as attribution_model,
        {%- for metric in ['impressions', 'engagements', 'clicks', 'sessions'] %}
        cast({{ metric }} as {{ dbt.type_bigint() }}) as {{ metric }},
        {%- endfor %}
        {%- for metric in ['spend', 'leads', 'won_deals', 'revenue'] %}
        cast({{ metric }} as {{ dbt.type_float() }}) as {{ metric }},
        {%- endfor %}
        is_fx_missing as has_fx_missing,
        volume_unit, cast(volume as {{ dbt.type_float() }}) as volume,
        _loaded_at as last_loaded_at
    from unioned
    where record_type <> 'deal'
    union all
    select
        source, record_type, platform, record_id, touch, activity_date, campaign_label, url,
        text, '{{ var("attribution_model") }}' as attribution_model,
        {%- for metric in ['impressions', 'engagements', 'clicks', 'sessions'] %}
        cast(sum({{ metric }}) as {{ dbt.type_bigint() }}) as {{ metric }},
        {%- endfor %}
        {%- for metric in ['spend', 'leads', 'won_deals', 'revenue'] %}
        {{ exact_sum(metric) }} as {{ metric }},
        {%- endfor %}
        {{ dbt.bool_or('is_fx_missing') }} as has_fx_missing,
        volume_unit, {{ exact_sum('volume') }} as volume,
        max(_loaded_at) as last_loaded_at
    from unioned
    where record_type = 'deal'
    group by
        source, record_type, platform, record_id, touch, activity_date, campaign_label, url,
        text, volume_unit
)

select * from final
