"""The report's languages: every static string (one table) and number/date formatting.

Two languages, English (``en``) and Italian (``it``). Numbers and dates follow the language:
``1,234.5`` / ``23 November 2026`` in English, ``1.234,5`` / ``23 novembre 2026`` in Italian.
Nothing here imports Dagster or reads data; the functions are pure.
"""

from __future__ import annotations

import os
from datetime import datetime
from typing import Any

from pipeline.formatting import (  # noqa: F401  (re-exported for the report)
    DASH,
    DEFAULT_LANG,
    MONTHS,
    _missing,
    fmt_compact,
    fmt_count,
    fmt_date,
    fmt_int,
    fmt_money,
    fmt_multiple,
    fmt_num,
    fmt_pct,
    fmt_rate,
)

__all__ = [
    "DEFAULT_LANG",
    "LANGS",
    "STRINGS",
    "fmt_compact",
    "fmt_count",
    "fmt_date",
    "fmt_datetime",
    "fmt_int",
    "fmt_money",
    "fmt_multiple",
    "fmt_num",
    "fmt_pct",
    "fmt_rate",
    "action_text",
    "platform_label",
    "resolve_lang",
    "t",
    "tn",
    "with_article",
]

LANGS: tuple[str, ...] = ("en", "it")
LANG_ENV = "VF_REPORT_LANG"

# --------------------------------------------------------------------------- the one table
# Every static string of the report, per language. Placeholders use str.format names.
STRINGS: dict[str, dict[str, str]] = {
    "en": {
        "title": "Vanity funnel report",
        "subtitle": "Which campaigns turn engagement into leads, and which are only vanity",
        "as_of": "Verdicts as of {date}",
        "model": "attribution: {model}",
        "generated": "Generated {when}",
        "nav": "Sections",
        # headline
        "h_headline": "Headline",
        "kpi_engagements": "Engagements",
        "kpi_leads": "Leads",
        "kpi_sales": "Sales",
        "kpi_revenue": "Revenue won",
        "kpi_vanity_share": "Engagement from vanity campaigns",
        "headline_vanity_one": "{share_a} of all engagement ({vanity} of {total}) came from "
                               "the one campaign flagged vanity, which brought {leads} leads, "
                               "{lead_share_a} of all leads.",
        "headline_vanity_other": "{share_a} of all engagement ({vanity} of {total}) came from "
                                 "the {n} campaigns flagged vanity, which brought {leads} "
                                 "leads, {lead_share_a} of all leads.",
        "headline_no_vanity": "No campaign is flagged vanity: wherever engagement is high, it "
                              "converts into leads at a credible rate.",
        "headline_totals": "{campaigns} campaigns: {engagements} engagements, {leads} leads, "
                           "{sales} sales.",
        "headline_no_verdicts": "No verdicts yet: the vanity share appears once the verdicts "
                                "have been computed.",
        "verdict_counts": "Campaigns by verdict",
        # verdicts
        "v_vanity": "Vanity",
        "v_converting": "Converting",
        "v_efficient": "Efficient",
        "v_underperforming": "Underperforming",
        "v_too_early": "Too early",
        "v_insufficient_data": "Insufficient data",
        "vd_vanity": "high engagement, credibly few leads",
        "vd_converting": "high engagement that converts",
        "vd_efficient": "modest engagement, good conversion",
        "vd_underperforming": "modest engagement, weak conversion",
        "vd_too_early": "leads may still arrive",
        "vd_insufficient_data": "too little volume to judge",
        # scatter
        "h_scatter": "Engagement vs conversion",
        "scatter_intro": "Each mark is a campaign. Right = more engagement (logarithmic scale); "
                         "up = more leads per 1,000 engagements. Vanity campaigns sit far right "
                         "and low. Vertical lines are credible intervals; hover a mark for "
                         "its numbers.",
        "scatter_x": "Engagements (log scale)",
        "scatter_key": "Flagged vanity:",
        "scatter_y": "Leads per 1,000 engagements",
        "scatter_baseline": "portfolio {rate} per 1,000",
        "scatter_threshold": "vanity threshold {rate}",
        "scatter_high": "high engagement →",
        "scatter_hidden_one": "1 campaign with no engagements is not plotted.",
        "scatter_hidden_other": "{n} campaigns with no engagements are not plotted.",
        "scatter_clipped": "Marks with an arrow are above the top of the chart; their rate is "
                           "in the tooltip and the table below.",
        "scatter_aria": "Scatter plot of {n} campaigns: engagements against leads per 1,000 "
                        "engagements, coloured by verdict",
        "tip_rate": "{rate} leads per 1,000",
        "tip_interval": "credible interval {low}–{high}",
        # vanity list
        "h_vanity": "Campaigns flagged vanity",
        "vanity_intro": "High engagement for this portfolio, but credibly far fewer leads per "
                        "engagement than the portfolio baseline.",
        "vanity_none": "No campaign is flagged vanity.",
        "vanity_interval": "{rate} leads per 1,000 engagements ({ci} credible interval "
                           "{low}–{high}); the portfolio converts {baseline}.",
        "vanity_platforms": "Vanity on one platform",
        "vanity_platforms_intro": "Campaign × platform pairs flagged vanity (the same test, "
                                  "one platform at a time).",
        "ended": "ended {date}",
        "running": "still running",
        # all campaigns
        "h_campaigns": "All campaigns",
        "col_campaign": "Campaign",
        "col_platform": "Platform",
        "col_verdict": "Verdict",
        "col_engagements": "Engagements",
        "col_leads": "Leads",
        "col_rate": "Leads / 1,000",
        "col_interval": "Credible interval",
        "col_end": "End date",
        "col_why": "Why",
        # funnel
        "h_funnel": "Funnel by platform",
        "funnel_intro": "From impressions to sales, per platform. Bar lengths use a logarithmic "
                        "scale so small stages stay visible; the percentage is the share of the "
                        "previous stage that went on.",
        "funnel_all": "All platforms",
        "stage_impressions": "Impressions",
        "stage_engagements": "Engagements",
        "stage_clicks": "Clicks",
        "stage_sessions": "Sessions",
        "stage_leads": "Leads",
        "stage_won_deals": "Sales",
        "funnel_aria": "Funnel for {platform}",
        # spend
        "h_spend": "Spend efficiency",
        "spend_intro": "Cost per lead (CPL), cost per sale (CAC) and return on ad spend (ROAS = "
                       "revenue won / spend), where the data carries spend.",
        "spend_vanity": "{spend} of {total} spend ({share}) went to campaigns flagged vanity.",
        "spend_none": "No spend in the data yet: ad-manager exports (Meta, LinkedIn, TikTok Ads) "
                      "carry spend.",
        "spend_by_platform": "By platform",
        "col_spend": "Spend",
        "col_cpl": "CPL",
        "col_sales": "Sales",
        "col_cac": "CAC",
        "col_revenue": "Revenue",
        "col_roas": "ROAS",
        "total": "Total",
        "dash_note": "— : not computable (no leads, no sales or no spend).",
        "fx_missing": "Some amounts could not be converted to {currency} (no exchange rate for "
                      "their currency and date): they are left out of these figures. Add the "
                      "rate to dbt_project/seeds/fx_rates.csv and run again.",
        # quality
        "h_quality": "Data quality",
        "q_files": "Files seen: {n}. Loaded {loaded}, duplicates {duplicate}, not recognised "
                   "{unknown}, with errors {error}.",
        "q_no_manifest": "No ingestion manifest in this database (raw._files), so there are no "
                         "notes on the files.",
        "q_rejects": "Rejected rows",
        "q_rejects_none": "No rows were rejected.",
        "col_file": "File",
        "col_format": "Format",
        "col_rows_read": "Rows read",
        "col_rejected": "Rejected",
        "col_reasons": "Top reasons",
        "q_unattributed": "Unmatched to any campaign",
        "q_unattributed_share": "{share_a} of {measure} ({value}) matched no campaign.",
        "q_unattributed_none": "Everything matched a campaign.",
        "q_unattributed_missing": "No unattributed table yet.",
        "col_source": "Source",
        "q_labels": "Labels that matched no campaign",
        "q_labels_intro": "Campaign names and UTM values found in the exports but not in the "
                          "campaign plan. Add them to the plan (or fix the spelling) and their "
                          "volume will be attributed.",
        "col_label": "Label",
        "col_volume": "Volume",
        "col_rows": "Rows",
        "q_stale": "Source freshness",
        "q_stale_intro": "A source whose newest data is more than {days} days old is stale.",
        "q_stale_some_one": "1 stale source: {names}.",
        "q_stale_some_other": "{n} stale sources: {names}.",
        "q_stale_none": "Every source is fresh.",
        "col_newest": "Newest data",
        "col_age": "Age (days)",
        "col_status": "Status",
        "stale": "stale",
        "fresh": "fresh",
        "q_unknown": "Files not recognised",
        "q_unknown_intro": "Left in place and not loaded; check they are exports of a supported "
                           "tool.",
        "q_errors": "Files that could not be read",
        "col_message": "Message",
        "rows_n": "{n} rows",
        # generic
        "no_data": "No data yet for this section.",
        "no_data_table": "No data yet: the table {table} is not in the warehouse.",
        "section_failed": "This section could not be built ({error}).",
        "method_h": "How the verdicts are made",
        "method": "Leads are counted per engagement and modelled as Poisson counts with a "
                  "Gamma prior fitted on the portfolio's finished campaigns ({prior}). "
                  "A campaign is vanity when its engagement is at or above the "
                  "{pctl} percentile of the portfolio and the probability that it converts "
                  "below {frac} of the baseline is at least {conf}. Campaigns that ended less "
                  "than {window} days before {as_of} are too early to judge; campaigns with "
                  "fewer than {min_eng} engagements have insufficient data.",
        "prior_empirical_bayes": "empirical Bayes",
        "prior_empirical_bayes_capped": "empirical Bayes, weighing no more than a typical "
                                        "campaign",
        "prior_fallback_few_campaigns": "too few campaigns to fit it, so a weak prior centred "
                                        "on the portfolio rate",
        "prior_fallback_degenerate": "the fit did not converge, so a weak prior centred on the "
                                     "portfolio rate",
        "prior_fallback_no_conversions": "the portfolio has no leads, so a weak prior",
        "prior_none": "no campaign to fit it on",
        "privacy": "This report shows aggregate counts only: no names, e-mail addresses or "
                   "phone numbers.",
        "model_first_touch": "first touch",
        "model_last_touch": "last touch",
        "model_linear": "linear",
        "model_position_based": "position-based (40/20/40)",
    },
    "it": {
        "title": "Report vanity funnel",
        "subtitle": "Quali campagne trasformano le interazioni in lead e quali sono solo vanity",
        "as_of": "Verdetti al {date}",
        "model": "attribuzione: {model}",
        "generated": "Generato il {when}",
        "nav": "Sezioni",
        "h_headline": "In sintesi",
        "kpi_engagements": "Interazioni",
        "kpi_leads": "Lead",
        "kpi_sales": "Vendite",
        "kpi_revenue": "Ricavi da vendite",
        "kpi_vanity_share": "Interazioni da campagne vanity",
        "headline_vanity_one": "{share_a} di tutte le interazioni ({vanity} su {total}) "
                               "viene dall'unica campagna segnalata come vanity, che ha "
                               "portato {leads} lead, {lead_share_a} di tutti i lead.",
        "headline_vanity_other": "{share_a} di tutte le interazioni ({vanity} su {total}) "
                                 "viene dalle {n} campagne segnalate come vanity, che hanno "
                                 "portato {leads} lead, {lead_share_a} di tutti i lead.",
        "headline_no_vanity": "Nessuna campagna è segnalata come vanity: dove le interazioni "
                              "sono alte, si convertono in lead a un tasso credibile.",
        "headline_totals": "{campaigns} campagne: {engagements} interazioni, {leads} lead, "
                           "{sales} vendite.",
        "headline_no_verdicts": "Nessun verdetto ancora: la quota vanity compare quando i "
                                "verdetti sono stati calcolati.",
        "verdict_counts": "Campagne per verdetto",
        "v_vanity": "Vanity",
        "v_converting": "Converte",
        "v_efficient": "Efficiente",
        "v_underperforming": "Sottotono",
        "v_too_early": "Troppo presto",
        "v_insufficient_data": "Dati insufficienti",
        "vd_vanity": "molte interazioni, pochi lead in modo credibile",
        "vd_converting": "molte interazioni che convertono",
        "vd_efficient": "interazioni contenute, buona conversione",
        "vd_underperforming": "interazioni contenute, conversione debole",
        "vd_too_early": "i lead possono ancora arrivare",
        "vd_insufficient_data": "volume troppo basso per giudicare",
        "h_scatter": "Interazioni e conversione",
        "scatter_intro": "Ogni segno è una campagna. A destra = più interazioni (scala "
                         "logaritmica); in alto = più lead ogni 1.000 interazioni. Le campagne "
                         "vanity stanno molto a destra e in basso. Le linee verticali sono "
                         "intervalli di credibilità; passa sopra un segno per i suoi "
                         "numeri.",
        "scatter_x": "Interazioni (scala logaritmica)",
        "scatter_key": "Segnalate come vanity:",
        "scatter_y": "Lead ogni 1.000 interazioni",
        "scatter_baseline": "portafoglio {rate} ogni 1.000",
        "scatter_threshold": "soglia vanity {rate}",
        "scatter_high": "molte interazioni →",
        "scatter_hidden_one": "1 campagna senza interazioni non è nel grafico.",
        "scatter_hidden_other": "{n} campagne senza interazioni non sono nel grafico.",
        "scatter_clipped": "I segni con la freccia sono sopra il bordo del grafico; il loro "
                           "tasso è nel suggerimento e nella tabella sotto.",
        "scatter_aria": "Grafico a dispersione di {n} campagne: interazioni e lead ogni 1.000 "
                        "interazioni, colorate per verdetto",
        "tip_rate": "{rate} lead ogni 1.000",
        "tip_interval": "intervallo di credibilità {low}–{high}",
        "h_vanity": "Campagne segnalate come vanity",
        "vanity_intro": "Interazioni alte per questo portafoglio, ma in modo credibile molti "
                        "meno lead per interazione rispetto al portafoglio.",
        "vanity_none": "Nessuna campagna è segnalata come vanity.",
        "vanity_interval": "{rate} lead ogni 1.000 interazioni (intervallo di credibilità al "
                           "{ci}: {low}–{high}); il portafoglio converte {baseline}.",
        "vanity_platforms": "Vanity su una piattaforma",
        "vanity_platforms_intro": "Coppie campagna × piattaforma segnalate come vanity (lo "
                                  "stesso test, una piattaforma alla volta).",
        "ended": "terminata il {date}",
        "running": "ancora in corso",
        "h_campaigns": "Tutte le campagne",
        "col_campaign": "Campagna",
        "col_platform": "Piattaforma",
        "col_verdict": "Verdetto",
        "col_engagements": "Interazioni",
        "col_leads": "Lead",
        "col_rate": "Lead / 1.000",
        "col_interval": "Intervallo di credibilità",
        "col_end": "Fine",
        "col_why": "Perché",
        "h_funnel": "Funnel per piattaforma",
        "funnel_intro": "Dalle impression alle vendite, per piattaforma. Le barre usano una "
                        "scala logaritmica perché le fasi piccole restino visibili; la "
                        "percentuale è la quota della fase precedente che è andata avanti.",
        "funnel_all": "Tutte le piattaforme",
        "stage_impressions": "Impression",
        "stage_engagements": "Interazioni",
        "stage_clicks": "Clic",
        "stage_sessions": "Sessioni",
        "stage_leads": "Lead",
        "stage_won_deals": "Vendite",
        "funnel_aria": "Funnel di {platform}",
        "h_spend": "Efficienza della spesa",
        "spend_intro": "Costo per lead (CPL), costo per vendita (CAC) e ritorno sulla spesa "
                       "pubblicitaria (ROAS = ricavi / spesa), dove i dati hanno la spesa.",
        "spend_vanity": "{spend} su {total} di spesa ({share}) è andato a campagne vanity.",
        "spend_none": "Ancora nessuna spesa nei dati: la spesa arriva dagli export dei gestori "
                      "di inserzioni (Meta, LinkedIn, TikTok Ads).",
        "spend_by_platform": "Per piattaforma",
        "col_spend": "Spesa",
        "col_cpl": "CPL",
        "col_sales": "Vendite",
        "col_cac": "CAC",
        "col_revenue": "Ricavi",
        "col_roas": "ROAS",
        "total": "Totale",
        "dash_note": "— : non calcolabile (nessun lead, nessuna vendita o nessuna spesa).",
        "fx_missing": "Alcuni importi non sono convertibili in {currency} (manca il cambio per "
                      "la loro valuta e data): sono esclusi da queste cifre. Aggiungi il cambio "
                      "a dbt_project/seeds/fx_rates.csv e riesegui.",
        "h_quality": "Qualità dei dati",
        "q_files": "File visti: {n}. Caricati {loaded}, duplicati {duplicate}, non "
                   "riconosciuti {unknown}, con errori {error}.",
        "q_no_manifest": "Questo database non ha il registro dei file (raw._files): nessuna "
                         "nota sui file.",
        "q_rejects": "Righe scartate",
        "q_rejects_none": "Nessuna riga scartata.",
        "col_file": "File",
        "col_format": "Formato",
        "col_rows_read": "Righe lette",
        "col_rejected": "Scartate",
        "col_reasons": "Motivi principali",
        "q_unattributed": "Non associato a nessuna campagna",
        "q_unattributed_share": "{share_a} di {measure} ({value}) non corrisponde a nessuna "
                                "campagna.",
        "q_unattributed_none": "Tutto è associato a una campagna.",
        "q_unattributed_missing": "Ancora nessuna tabella dei non attribuiti.",
        "col_source": "Fonte",
        "q_labels": "Etichette che non corrispondono a nessuna campagna",
        "q_labels_intro": "Nomi di campagna e valori UTM presenti negli export ma non nel piano "
                          "delle campagne. Aggiungili al piano (o correggine l'ortografia) e il "
                          "loro volume sarà attribuito.",
        "col_label": "Etichetta",
        "col_volume": "Volume",
        "col_rows": "Righe",
        "q_stale": "Aggiornamento delle fonti",
        "q_stale_intro": "Una fonte i cui dati più recenti hanno più di {days} giorni non è "
                         "aggiornata.",
        "q_stale_some_one": "1 fonte non aggiornata: {names}.",
        "q_stale_some_other": "{n} fonti non aggiornate: {names}.",
        "q_stale_none": "Tutte le fonti sono aggiornate.",
        "col_newest": "Dati più recenti",
        "col_age": "Età (giorni)",
        "col_status": "Stato",
        "stale": "non aggiornata",
        "fresh": "aggiornata",
        "q_unknown": "File non riconosciuti",
        "q_unknown_intro": "Lasciati al loro posto e non caricati; verifica che siano export di "
                           "uno strumento supportato.",
        "q_errors": "File che non è stato possibile leggere",
        "col_message": "Messaggio",
        "rows_n": "{n} righe",
        "no_data": "Ancora nessun dato per questa sezione.",
        "no_data_table": "Ancora nessun dato: la tabella {table} non è nel warehouse.",
        "section_failed": "Non è stato possibile costruire questa sezione ({error}).",
        "method_h": "Come nascono i verdetti",
        "method": "I lead sono contati per interazione e modellati come conteggi di Poisson con "
                  "una distribuzione a priori Gamma stimata sulle campagne concluse del "
                  "portafoglio ({prior}). Una campagna è vanity quando le sue "
                  "interazioni sono pari o superiori al {pctl} percentile del portafoglio e la "
                  "probabilità che converta meno di {frac} del tasso di riferimento è almeno "
                  "{conf}. Le campagne terminate meno di {window} giorni prima del {as_of} sono "
                  "troppo recenti per un giudizio; quelle con meno di {min_eng} interazioni "
                  "hanno dati insufficienti.",
        "prior_empirical_bayes": "Bayes empirico",
        "prior_empirical_bayes_capped": "Bayes empirico, con un peso non superiore a quello di "
                                        "una campagna tipica",
        "prior_fallback_few_campaigns": "troppo poche campagne per stimarla, quindi una "
                                        "distribuzione debole centrata sul tasso del portafoglio",
        "prior_fallback_degenerate": "la stima non converge, quindi una distribuzione debole "
                                     "centrata sul tasso del portafoglio",
        "prior_fallback_no_conversions": "il portafoglio non ha lead, quindi una distribuzione "
                                         "debole",
        "prior_none": "nessuna campagna su cui stimarla",
        "privacy": "Questo report mostra solo conteggi aggregati: nessun nome, indirizzo e-mail "
                   "o numero di telefono.",
        "model_first_touch": "primo contatto",
        "model_last_touch": "ultimo contatto",
        "model_linear": "lineare",
        "model_position_based": "basata sulla posizione (40/20/40)",
    },
}

#: What-to-do advice the ingest step stores with rejected rows (raw._rejects.action, written in
#: English by pipeline/ingest/load.py), in Italian. Advice not listed is shown as stored.
ACTIONS_IT = {
    "Correct the value in the source tool (or the file), then drop the corrected export again; "
    "the file's other rows are loaded.":
        "Correggi il valore nello strumento di origine (o nel file), poi deposita di nuovo "
        "l'export corretto; le altre righe del file sono caricate.",
    "Download the export again and do not open and save it in Excel.":
        "Scarica di nuovo l'export e non aprirlo né salvarlo con Excel.",
    "The row does not have the header's columns: the file was probably cut short or edited by "
    "hand. Download it again.":
        "La riga non ha le colonne dell'intestazione: il file è stato probabilmente troncato o "
        "modificato a mano. Scaricalo di nuovo.",
    "Download the export again; if it is really this long, split it.":
        "Scarica di nuovo l'export; se è davvero così lungo, dividilo.",
    "Nothing: this row is not data.": "Niente: questa riga non è un dato.",
}


def action_text(action: str, lang: str) -> str:
    """The ingest step's advice for a rejected row, in the report's language where known."""
    return ACTIONS_IT.get(action, action) if lang == "it" else action


PLATFORM_LABELS = {
    "facebook": "Facebook", "instagram": "Instagram", "linkedin": "LinkedIn", "x": "X",
    "twitter": "X", "tiktok": "TikTok", "youtube": "YouTube", "pinterest": "Pinterest",
    "meta": "Meta Ads", "google": "Google", "ga4": "GA4", "web": "Web", "crm": "CRM",
    "hubspot": "HubSpot", "salesforce": "Salesforce",
}


def resolve_lang(lang: str | None = None) -> str:
    """``lang``, else the environment's ``VF_REPORT_LANG``, else ``en``; ``it_IT`` -> ``it``.

    Raises ``ValueError`` naming the supported languages for anything else.
    """
    source = "lang"
    if not lang:
        lang, source = os.environ.get(LANG_ENV) or DEFAULT_LANG, LANG_ENV
    code = str(lang).strip().replace("-", "_").split("_")[0].split(".")[0].lower()
    if code not in LANGS:
        raise ValueError(f"unsupported report language {lang!r} (from {source}); "
                         f"use one of {', '.join(LANGS)}")
    return code


def t(key: str, lang: str, **values: Any) -> str:
    """The static string ``key`` in ``lang``, with ``values`` filled in."""
    text = STRINGS[lang][key]
    return text.format(**values) if values else text


def tn(key: str, n: float, lang: str, **values: Any) -> str:
    """The singular (``key_one``) or plural (``key_other``) form of ``key`` for ``n``."""
    return t(f"{key}_{'one' if n == 1 else 'other'}", lang, n=n, **values)


def with_article(pct_text: str, lang: str, capital: bool = False) -> str:
    """A percentage ready to open a noun phrase: unchanged in English; in Italian with its
    article, elided before a vowel sound (``il 38%``, ``l'11%``, ``l'8,5%``, ``l'80%``)."""
    if lang != "it" or not pct_text[:1].isdigit():
        return pct_text
    whole = int("".join(ch for ch in pct_text.split(",")[0] if ch.isdigit()) or 0)
    vowel = whole in (1, 8, 11) or 80 <= whole <= 89 or 800 <= whole <= 899
    art = "l'" if vowel else "il "
    return (art[0].upper() + art[1:] if capital else art) + pct_text


def fmt_datetime(dt: datetime, lang: str = DEFAULT_LANG) -> str:
    """``23 November 2026, 08:31 CET`` / ``23 novembre 2026, 08:31 CET``."""
    zone = dt.tzname() if dt.tzinfo else None
    text = f"{fmt_date(dt, lang)}, {dt:%H:%M}"
    return f"{text} {zone}" if zone else text


def platform_label(platform: Any, lang: str = DEFAULT_LANG) -> str:
    """Display name of a platform code (``linkedin`` -> ``LinkedIn``; ``all`` -> all platforms)."""
    if platform is None or str(platform) == "all":
        return t("funnel_all", lang)
    p = str(platform)
    return PLATFORM_LABELS.get(p.lower(), p.replace("_", " ").title())
