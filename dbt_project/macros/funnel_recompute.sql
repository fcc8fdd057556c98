{#-
    fct_campaign_funnel_daily's incremental window. A run recomputes every day from `from_date`:
      - the last var('lookback_days') days before the newest day already built, and
      - every day touched by a row whose file was loaded after the newest load the table was
        built from (a late file, a backfill, a newer lifetime snapshot of old posts), and
      - everything when the plan was reloaded or the attribution model / reporting currency
        changed (matches and amounts can move anywhere).
    The pre-hook deletes the window and the model inserts it again, both from this one query
    evaluated before the delete, so days that lost every row are not left behind.
-#}
{% macro funnel_recompute_from_sql() -%}
    select
        case
            when built.loaded_through is null
                or built.attribution_model <> '{{ var("attribution_model") }}'
                or built.reporting_currency <> '{{ var("reporting_currency") }}'
                or plan.loaded_through > built.loaded_through
                then cast('1900-01-01' as date)
            when fresh.first_date < built.lookback_from then fresh.first_date
            else built.lookback_from
        end as from_date
    from (
        select
            cast(
                {{ dbt.dateadd('day', -var('lookback_days'), 'max(activity_date)') }} as date
            ) as lookback_from,
            max(last_loaded_at) as loaded_through,
            max(attribution_model) as attribution_model,
            max(reporting_currency) as reporting_currency
        from {{ this }}
    ) as built
    cross join (
        select max(f.loaded_at) as loaded_through
        from {{ ref('stg_plan__campaigns') }} as c
        inner join {{ ref('stg_ingest__files') }} as f
            on c._file_id = f.file_id
    ) as plan
    cross join (
        select min(changed.activity_date) as first_date
        from (
            select activity_date, _loaded_at from {{ ref('int_activities_unioned') }}
            union all
            select conversion_date as activity_date, _loaded_at
            from {{ ref('int_conversions_unioned') }}
            where attribution_model = '{{ var("attribution_model") }}'
        ) as changed
        where changed._loaded_at > (select max(last_loaded_at) from {{ this }})
    ) as fresh
{%- endmacro %}

{#- The window's first day, as a literal, read before the pre-hook deletes anything. -#}
{% macro funnel_recompute_from() -%}
    {%- if execute and is_incremental() -%}
        {%- set from_date = run_query(funnel_recompute_from_sql()).columns[0].values()[0] -%}
        {{- return(from_date) -}}
    {%- endif -%}
    {{- return(none) -}}
{%- endmacro %}

{#- Pre-hook: empty the window the model is about to insert again. -#}
{% macro funnel_delete_recompute_window() -%}
    {%- if is_incremental() -%}
        delete from {{ this }}
        where activity_date >= ({{ funnel_recompute_from_sql() }})
    {%- endif -%}
{%- endmacro %}
