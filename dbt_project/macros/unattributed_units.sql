{#-
    The unattributed mart is incremental by unit: a source, and for GA4 a source and day (a
    GA4 row's date is part of its key, so a day's rows never move to another day; a post's or a
    lead's date may be re-exported differently, so their unit is the whole source). A night
    that loads a day of GA4 and some X posts rebuilds that day and the X rows, not the millions
    of other rows.

    How a run stays equal to a full rebuild:
    1. the changed units are those with an upstream row, matched or not, loaded after the
       newest row the mart holds (`last_loaded_at`): the units whose rows may have changed,
       including a unit whose every row is now matched (`unattributed_changed_units`);
    2. the pre-hook (`unattributed_forget_changed_units`) deletes their rows, and the model
       appends them, recomputed. Both find the units when their SQL is rendered, before the
       delete runs (dbt renders a model's SQL before its materialisation runs the hooks): they
       name the same units, written into the SQL as constants, which lets DuckDB skip the
       upstream rows of every other unit (a subquery would not).
    A reloaded plan gives every matched row a new load time: every unit is rebuilt. Edited
    seeds, vars or matching macros need a full refresh (`make clean && make run`).
-#}
{% macro unattributed_unit(source, record_type, activity_date) -%}
    case when {{ record_type }} = 'web_day'
        then {{ source }} || ':' || cast({{ activity_date }} as {{ dbt.type_string() }})
        else {{ source }}
    end
{%- endmacro %}

{#- The changed units, as a list, read when the SQL is rendered (none outside an incremental
    run). A mart built before last_loaded_at existed has none to read, as its added, empty
    column has none in the pre-hook: every unit is changed. -#}
{% macro unattributed_changed_units() -%}
    {%- if not (execute and is_incremental()) -%}
        {{- return([]) -}}
    {%- endif -%}
    {%- set columns = adapter.get_columns_in_relation(this) | map(attribute='name') | list -%}
    {%- set newest = run_query(
        "select cast(max(last_loaded_at) as " ~ dbt.type_string() ~ ") from " ~ this
    ).columns[0].values()[0] if 'last_loaded_at' in columns else none -%}
    {%- set since = "cast('" ~ (newest or '1900-01-01') ~ "' as timestamp)" -%}
    {%- set query -%}
        select {{ unattributed_unit('source', 'activity_type', 'activity_date') }}
        from {{ ref('int_activities_unioned') }}
        where _loaded_at > {{ since }}
            or _loaded_at is null
        union
        select source
        from {{ ref('int_conversions_unioned') }}
        where _loaded_at > {{ since }}
            or _loaded_at is null
    {%- endset -%}
    {{- return(run_query(query).columns[0].values() | reject('none') | list) -}}
{%- endmacro %}

{#- `unit` is one of `units` (a list from unattributed_changed_units; false when empty). -#}
{% macro unattributed_in_changed_units(unit, units) -%}
    {%- if units -%}
        {{ unit }} in (
            {%- for u in units %}'{{ u | replace("'", "''") }}'{{ ", " if not loop.last }}{% endfor -%}
        )
    {%- else -%}
        false
    {%- endif -%}
{%- endmacro %}

{#- Before the run's transaction: a mart built before last_loaded_at existed gets the column,
    empty, so the watermark is 1900 and every unit is rebuilt. (Added by on_schema_change
    instead, the column would change the table in a second transaction, which DuckDB refuses
    to commit beside the pre-hook's delete.) -#}
{% macro unattributed_add_last_loaded_at() -%}
    {%- if is_incremental() -%}
    alter table {{ this }} add column if not exists last_loaded_at timestamp
    {%- endif -%}
{%- endmacro %}

{% macro unattributed_forget_changed_units() -%}
    {%- if is_incremental() -%}
    delete from {{ this }}
    where {{ unattributed_in_changed_units(
        unattributed_unit('source', 'record_type', 'activity_date'),
        unattributed_changed_units()) }}
    {%- endif -%}
{%- endmacro %}
