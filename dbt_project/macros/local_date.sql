{#-
    Timestamps are stored in UTC; dates are reported in var('reporting_timezone'). This turns a
    UTC timestamp into the calendar date of the reporting time zone (DESIGN.md, "Time").
-#}
{% macro local_date(utc_timestamp) -%}
    {{ return(adapter.dispatch('local_date', 'vanity_funnel')(utc_timestamp)) }}
{%- endmacro %}

{% macro default__local_date(utc_timestamp) -%}
    cast(
        ({{ utc_timestamp }} at time zone 'UTC') at time zone '{{ var("reporting_timezone") }}'
        as date
    )
{%- endmacro %}

{% macro snowflake__local_date(utc_timestamp) -%}
    cast(convert_timezone('UTC', '{{ var("reporting_timezone") }}', {{ utc_timestamp }}) as date)
{%- endmacro %}
