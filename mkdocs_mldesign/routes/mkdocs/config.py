"""The options of the mldesign plugin in `mkdocs.yml`; each is checked again by the core
(`publish.options.parse_options`), so every route reads them alike."""

from __future__ import annotations

from mkdocs.config import base
from mkdocs.config import config_options as c


class MLDesignConfig(base.Config):
    key = c.Type(str, default="design")
    """The front-matter key that holds a page's design."""

    overview = c.Type((str, bool), default="designs/index.md")
    """Path of the generated overview page, relative to the docs folder; `false` for none.
    If a page already exists there, the overview is added to it (at `<!-- mldesign-overview -->`
    when that marker is present, else at its end)."""

    placement = c.Choice(("top", "bottom"), default="top")
    """Where the rendered design goes in a design page's body. A `<!-- mldesign -->` marker in
    the page always wins."""

    badges = c.Type(bool, default=True)
    """Write `badges/<id>.svg` for every design and `badges/all.svg` for the whole site."""

    canvas = c.Type(bool, default=True)
    """Write a one-page, printable ML canvas of every design at `canvas/<id>.html`."""

    export = c.Type((str, bool), default="designs.json")
    """Path of the JSON export of all designs in the built site; `false` for none."""

    extension_schema = c.Optional(c.File(exists=True))
    """A JSON or YAML file that adds an organisation's fields and requirements to the schema."""

    statuses = c.Optional(c.Type(list))
    """The site's own statuses, in order: names, or mappings with `name`, `color`, `order` and
    `complete` (a design with that status must be 100% complete)."""

    lint = c.Type(dict, default={})
    """Lint rule levels by rule id: `error`, `warning` or `off`."""

    stale_after_days = c.Type(int, default=365)
    """An approved design whose `updated` date is older than this many days is reported as stale."""

    require_approvals = c.Type(bool, default=False)
    """Every design whose status demands completeness (`approved`) must record, in `approvals`,
    an approval of its current `version` by one of its `reviewers`."""

    git_dates = c.Type(bool, default=True)
    """A design that writes no `created` or `updated` date gets it from git: the first and the
    last commit that touched its page (and its design file)."""

    history = c.Type(bool, default=True)
    """Show on each design page a timeline from git: every change of its status, with its date,
    commit and completeness then."""

    evidence = c.Type(bool, default=True)
    """Read the measurements each design names under `evidence` (results files, MLflow
    experiments, model cards) and judge its metrics' targets by them."""

    evidence_timeout = c.Type((int, float), default=10.0)
    """How many seconds a build waits for all its MLflow requests together."""

    evidence_max_age_days = c.Optional(c.Type(int))
    """A design whose newest measurement is older than this many days is reported (`evidence-stale`)."""

    mlflow_tracking_uri = c.Optional(c.Type(str))
    """The MLflow tracking server (http or https) that `mlflow:` evidence is read from; by
    default MLflow's own `MLFLOW_TRACKING_URI` environment variable."""

    mlflow_tracking_uris = c.Type(list, default=[])
    """Other tracking servers a design may name in its `mlflow: {tracking_uri: ...}`; no other is asked."""

    frameworks = c.Type(list, default=[])
    """Frameworks to map each design against: the shipped `annex-iv` (the EU AI Act's Annex IV)
    and `model-card` (a Hugging Face model card's sections), or paths of the site's own framework
    files (relative to mkdocs.yml). Each design page shows which points it answers."""

    model_cards = c.Type(bool, default=False)
    """Write a Hugging Face model card of every design at `model-cards/<id>.md`, linked from its page."""

    language = c.Optional(c.Type(str))
    """The language of the labels the plugin writes; by default the theme's `language` (Material,
    mldesign) or `locale` (MkDocs' own themes), else English."""

    labels = c.Type(dict, default={})
    """The site's own text for any label, by key (`mldesign labels` lists them); a key left out
    keeps the shipped text of the site's language."""

    sources = c.Type(list, default=[])
    """Other sites' `designs.json` (paths relative to mkdocs.yml, or http(s) URLs), whose designs
    the overview and the export also list, with the site that publishes each."""
