{#-
    The unattributed mart is incremental by unit: a source, and for GA4 a source and day (a
    GA4 row's date is part of its key, so a day's rows never move to another day; a post's or a
    lead's date may be re-exported differently, so their unit is the whole source). A night
    that loads a day of GA4 and some X posts rebuilds that day and the X rows, not the millions
    of other rows.

    How a run stays equal to a full rebuild:
    1. the pre-hook (`unattributed_forget_changed_units`) deletes every unit with an upstream
       row, matched or not, loaded after the newest row the mart holds (`last_loaded_at`): the
       units whose rows may have changed, including a unit whose every row is now matched;
    2. the model then appends, recomputed, the rows of the changed units the mart no longer
       holds (computed again after the delete, the watermark can only be older: a unit it adds
       is either held, so left alone, or had no unattributed row and still has none).
    A reloaded plan gives every matched row a new load time: every unit is rebuilt. Edited
    seeds, vars or matching macros need a full refresh (`make clean && make run`).
-#}
{% macro unattributed_unit(source, record_type, activity_date) -%}
    case when {{ record_type }} = 'web_day'
        then {{ source }} || ':' || cast({{ activity_date }} as {{ dbt.type_string() }})
        else {{ source }}
    end
{%- endmacro %}

{% macro unattributed_changed_units(since) -%}
    select {{ unattributed_unit('source', 'activity_type', 'activity_date') }} as unit
    from {{ ref('int_activities_unioned') }}
    where _loaded_at > {{ since }} or _loaded_at is null
    union
    select source as unit
    from {{ ref('int_conversions_unioned') }}
    where _loaded_at > {{ since }} or _loaded_at is null
{%- endmacro %}

{% macro unattributed_watermark() -%}
    (select coalesce(max(last_loaded_at), cast('1900-01-01' as timestamp)) from {{ this }})
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
    where {{ unattributed_unit('source', 'record_type', 'activity_date') }} in (
        {{ unattributed_changed_units(unattributed_watermark()) }}
    )
    {%- endif -%}
{%- endmacro %}
