{#-
    fct_campaign_funnel_daily's incremental window: the days (the model's daily partitions) a
    run deletes and inserts again.
      - A backfill (Dagster partition range, or vars funnel_from / funnel_to by hand) rebuilds
        exactly the days from funnel_from to funnel_to.
      - Otherwise a run rebuilds the last var('lookback_days') days before the newest day built,
        plus every older day touched by a row whose file was loaded after the newest load the
        table was built from (a late file for last month recomputes only its own days);
      - and everything when the table is empty, the plan was reloaded or the attribution model /
        reporting currency changed (matches and amounts can move anywhere).
    The window is read once, before the pre-hook deletes anything, and rendered as a literal
    predicate into both the delete and the insert, so days that lost every row are not left
    behind and nothing outside the window is touched.
-#}
{% macro funnel_window_sql() -%}
    select
        built.loaded_through is null
            or built.attribution_model <> '{{ var("attribution_model") }}'
            or built.reporting_currency <> '{{ var("reporting_currency") }}'
            or plan.loaded_through > built.loaded_through as rebuild_all,
        cast(built.lookback_from as varchar) as lookback_from,
        (
            select string_agg(distinct cast(changed.activity_date as varchar), ','
                              order by cast(changed.activity_date as varchar))
            from (
                select activity_date, _loaded_at from {{ ref('int_activities_unioned') }}
                union all
                select conversion_date as activity_date, _loaded_at
                from {{ ref('int_conversions_unioned') }}
                where attribution_model = '{{ var("attribution_model") }}'
            ) as changed
            where changed._loaded_at > built.loaded_through
                and changed.activity_date < built.lookback_from
        ) as late_days
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
{%- endmacro %}

{#- The window as a SQL predicate on `activity_date` ('true' outside an incremental run). -#}
{% macro funnel_window() -%}
    {%- set day_from = var('funnel_from', none) -%}
    {%- set day_to = var('funnel_to', none) -%}
    {%- if day_from or day_to -%}
        {{- return("activity_date between cast('" ~ (day_from or '1900-01-01') ~ "' as date) and cast('"
                   ~ (day_to or '2999-12-31') ~ "' as date)") -}}
    {%- endif -%}
    {%- if not (execute and is_incremental()) -%}
        {{- return('true') -}}
    {%- endif -%}
    {%- set row = run_query(funnel_window_sql()).rows[0] -%}
    {%- if row['rebuild_all'] or row['lookback_from'] is none -%}
        {{- return('true') -}}
    {%- endif -%}
    {%- set days = (row['late_days'] or '').split(',') | reject('equalto', '') | list -%}
    {%- set predicate = "activity_date >= cast('" ~ row['lookback_from'] ~ "' as date)" -%}
    {%- if days | length > 0 -%}
        {%- set quoted = [] -%}
        {%- for day in days -%}{%- do quoted.append("cast('" ~ day ~ "' as date)") -%}{%- endfor -%}
        {%- set predicate = predicate ~ " or activity_date in (" ~ quoted | join(', ') ~ ")" -%}
    {%- endif -%}
    {{- return('(' ~ predicate ~ ')') -}}
{%- endmacro %}

{#- Pre-hook: empty the window the model is about to insert again. -#}
{% macro funnel_delete_window() -%}
    {%- if is_incremental() -%}
        delete from {{ this }} where {{ funnel_window() }}
    {%- endif -%}
{%- endmacro %}
