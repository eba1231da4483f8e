# shellcheck shell=bash
# Shared helpers of scripts/run and scripts/test: the project's Python
# environment, Odoo, the private PostgreSQL cluster and the Odoo config file.
#
# Everything lives under .run/ in the checkout (ignored by git):
#   .run/venv      Python virtual environment (sees the machine's packages)
#   .run/odoo      Odoo 18.0 source, only when the machine has none
#   .run/addons    a link named incubator_community to this checkout
#   .run/pg        the private PostgreSQL cluster (data, socket, log)
#   .run/data      Odoo's data dir (filestore, sessions)
#   .run/log       logs of installs and test runs
#
# Environment overrides (all optional):
#   ODOO_SRC            path of an Odoo 18.0 source tree to use
#   INCUBATOR_DB_HOST   use this PostgreSQL server instead of the private one
#   INCUBATOR_DB_PORT, INCUBATOR_DB_USER, INCUBATOR_DB_PASSWORD
#   INCUBATOR_HTTP_PORT port Odoo serves on (default 8069)
#   INCUBATOR_HTTP_INTERFACE address Odoo listens on (default 127.0.0.1;
#                       0.0.0.0 in a container, to reach it from outside)
#   INCUBATOR_PYTHON    Python interpreter of .run/venv (3.10 to 3.12)
# As root on Debian, missing system packages are installed with apt-get:
# Python's venv, git, PostgreSQL, and, when Odoo is fetched or its
# requirements must be built, the packages of Odoo's setup/debinstall.sh and
# the build tools of its Python requirements.
#   INCUBATOR_PG_PORT   port of the private cluster (default 54329, socket only)

set -euo pipefail

MODULE=incubator_community
ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
RUN="$ROOT/.run"
VENV="$RUN/venv"
PY="$VENV/bin/python"
LOGDIR="$RUN/log"
CONF="$RUN/odoo.conf"
ODOO_DEPENDS="contacts,calendar,website,portal,mail,hr_skills,sale_timesheet,privacy_lookup,survey"
ODOO_GIT_URL="https://github.com/odoo/odoo.git"

step() { printf '\033[1m==> %s\033[0m\n' "$*"; }
info() { printf '    %s\n' "$*"; }
die() {
    printf '\033[31mERROR: %s\033[0m\n' "$*" >&2
    exit 1
}

# --- Python environment and Odoo ------------------------------------------

# Odoo 18.0 runs on Python 3.10, 3.11 and 3.12.
PY_MIN=3.10
PY_MAX=3.12
python_supported() {
    "$1" -c 'import sys; sys.exit(not (3, 10) <= sys.version_info[:2] <= (3, 12))' >/dev/null 2>&1
}

base_python() {
    # The machine's python3 first: it is the one that may already import Odoo.
    local candidate found=""
    if [ -n "${INCUBATOR_PYTHON:-}" ]; then
        python_supported "$INCUBATOR_PYTHON" && { command -v "$INCUBATOR_PYTHON"; return; }
        die "INCUBATOR_PYTHON=$INCUBATOR_PYTHON is $("$INCUBATOR_PYTHON" -V 2>&1 || echo 'not found'): Odoo 18.0 supports Python $PY_MIN to $PY_MAX."
    fi
    if ! command -v python3 >/dev/null && can_apt; then
        step "Installing Python 3 (apt-get install python3 python3-venv)" >&2
        apt_install python3 python3-venv || die "Could not install python3 (log: $LOGDIR/apt.log)."
    fi
    for candidate in python3 python3.12 python3.11 python3.10; do
        command -v "$candidate" >/dev/null || continue
        found="$found $candidate ($("$candidate" -V 2>&1))"
        if python_supported "$candidate"; then
            command -v "$candidate"
            return
        fi
    done
    die "Odoo 18.0 supports Python $PY_MIN to $PY_MAX; found:${found:- none}. Install one of those (Debian 12: apt-get install python3) or set INCUBATOR_PYTHON to its path."
}

# Debian as root: apt-get can install what is missing.
can_apt() {
    [ "$(id -u)" = 0 ] && command -v apt-get >/dev/null && [ -f /etc/debian_version ]
}

apt_install() {
    can_apt || return 1
    mkdir -p "$LOGDIR"
    {
        DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends "$@" ||
            { apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends "$@"; }
    } >>"$LOGDIR/apt.log" 2>&1
}

# The Debian packages Odoo lists for itself (setup/debinstall.sh reads its
# debian/control) and the tools that build the wheels of its requirements.
install_odoo_system_packages() {
    local src="$1"
    can_apt || return 1
    step "Installing the Debian packages Odoo needs (its setup/debinstall.sh) and the build tools of its requirements"
    if [ -x "$src/setup/debinstall.sh" ] && [ -f "$src/debian/control" ]; then
        { apt-get update -qq && "$src/setup/debinstall.sh" -q; } >>"$LOGDIR/apt.log" 2>&1 ||
            die "Odoo's setup/debinstall.sh failed (log: $LOGDIR/apt.log)."
    fi
    apt_install build-essential python3-dev libpq-dev libldap2-dev libsasl2-dev \
        libxml2-dev libxslt1-dev libjpeg-dev zlib1g-dev libffi-dev ||
        die "Could not install the build tools (log: $LOGDIR/apt.log)."
}

odoo_importable() {
    (cd / && "$PY" -c 'import odoo.release as r, sys; sys.exit(r.version_info[0] != 18)') \
        >/dev/null 2>&1
}

odoo_install_hint() {
    cat >&2 <<EOF
Odoo 18.0 cannot be imported by $PY.
Install it from Odoo's official source, then run this command again:
    git clone --depth 1 --branch 18.0 $ODOO_GIT_URL /opt/odoo18
    python3 -m pip install -r /opt/odoo18/requirements.txt
    ODOO_SRC=/opt/odoo18 $0
(or make it importable by python3, e.g. with a .pth file in site-packages).
EOF
}

# Point the venv at an Odoo source tree and install its requirements.
link_odoo_source() {
    local src="$1"
    [ -f "$src/odoo/release.py" ] || die "ODOO_SRC=$src is not an Odoo source tree (no odoo/release.py)."
    step "Installing Odoo's Python requirements from $src (first run only)"
    # cbor2 5.4.2 (pinned for Python < 3.12) no longer builds: 5.6.2 is compatible.
    sed -e 's/^cbor2==5\.4\.2.*/cbor2==5.6.2/' "$src/requirements.txt" >"$RUN/odoo-requirements.txt"
    if ! "$PY" -m pip install -q -r "$RUN/odoo-requirements.txt" >"$LOGDIR/pip-odoo.log" 2>&1; then
        # some requirements build from source: on Debian as root, install
        # what Odoo lists and the build tools, then try again
        if install_odoo_system_packages "$src"; then
            "$PY" -m pip install -q -r "$RUN/odoo-requirements.txt" >"$LOGDIR/pip-odoo.log" 2>&1
        else
            false
        fi || {
            tail -20 "$LOGDIR/pip-odoo.log" >&2
            die "Could not install Odoo's requirements (log: $LOGDIR/pip-odoo.log). On Debian, as root: $src/setup/debinstall.sh, then apt-get install build-essential python3-dev libpq-dev libldap2-dev libsasl2-dev."
        }
    fi
    "$PY" -c 'import site, sys; print(site.getsitepackages()[0])' |
        { read -r sp && echo "$src" >"$sp/odoo18-src.pth"; }
}

ensure_venv() {
    mkdir -p "$RUN" "$LOGDIR"
    if [ ! -x "$PY" ]; then
        step "Creating the Python environment in .run/venv"
        # --system-site-packages: reuse an Odoo (and its requirements) that the
        # machine's python3 can already import.
        local base
        base="$(base_python)"
        if ! "$base" -m venv --system-site-packages "$VENV" >"$LOGDIR/venv.log" 2>&1; then
            rm -rf "$VENV"
            if can_apt; then
                step "Installing Python's venv module (apt-get install python3-venv)"
                apt_install python3-venv
            fi
            "$base" -m venv --system-site-packages "$VENV" >"$LOGDIR/venv.log" 2>&1 ||
                die "Could not create a virtual environment with $base (Debian: apt-get install python3-venv; log: $LOGDIR/venv.log)."
        fi
    fi
    if [ -n "${ODOO_SRC:-}" ] && ! odoo_importable; then
        link_odoo_source "$ODOO_SRC"
    fi
    if ! odoo_importable; then
        if [ "${INCUBATOR_NO_ODOO_INSTALL:-}" = 1 ]; then
            odoo_install_hint
            die "Odoo 18.0 not found."
        fi
        step "Odoo 18.0 not importable: fetching it from Odoo's official source into .run/odoo"
        if [ ! -f "$RUN/odoo/odoo/release.py" ]; then
            if ! command -v git >/dev/null && can_apt; then
                step "Installing git (apt-get install git ca-certificates)"
                apt_install git ca-certificates
            fi
            command -v git >/dev/null || { odoo_install_hint; die "git is needed to fetch Odoo."; }
            git clone --depth 1 --branch 18.0 "$ODOO_GIT_URL" "$RUN/odoo" || {
                odoo_install_hint
                die "Could not fetch Odoo 18.0 from $ODOO_GIT_URL."
            }
        fi
        link_odoo_source "$RUN/odoo"
        odoo_importable || { odoo_install_hint; die "Odoo 18.0 still cannot be imported."; }
    fi
    ODOO_VERSION="$(cd / && "$PY" -c 'import odoo.release as r; print(r.version)')"
    ODOO_DIR="$(cd / && "$PY" -c 'import odoo, os; print(os.path.dirname(odoo.__path__[0]))')"
    info "Odoo $ODOO_VERSION from $ODOO_DIR"
    # The checkout may be named anything: Odoo finds the module in
    # .run/addons/incubator_community, a folder of links to the checkout's
    # entries. Not one link to the checkout itself: Odoo walks a module's
    # folder following links, and would loop through .run/ into itself.
    local link="$RUN/addons/$MODULE" entry
    rm -rf "$link"
    mkdir -p "$link"
    for entry in "$ROOT"/*; do
        ln -s "$entry" "$link/$(basename "$entry")"
    done
    ADDONS_PATH="$RUN/addons"
    [ -d "$ODOO_DIR/addons" ] && ADDONS_PATH="$ODOO_DIR/addons,$ADDONS_PATH"
    [ -d "$ODOO_DIR/odoo/addons" ] && ADDONS_PATH="$ODOO_DIR/odoo/addons,$ADDONS_PATH"
    if [ -n "${ODOO_ADDONS_PATH:-}" ]; then ADDONS_PATH="$ADDONS_PATH,$ODOO_ADDONS_PATH"; fi
}

# Install pinned Python packages once per content of the requirements file.
ensure_requirements() {
    local req="$1" stamp
    stamp="$VENV/.$(basename "$req").$(sha1sum "$req" | cut -c1-12)"
    if [ ! -f "$stamp" ]; then
        step "Installing $(basename "$req") into .run/venv"
        "$PY" -m pip install -q --disable-pip-version-check -r "$req" >"$LOGDIR/pip.log" 2>&1 || {
            tail -20 "$LOGDIR/pip.log" >&2
            die "Could not install $req (log: $LOGDIR/pip.log)."
        }
        touch "$stamp"
    fi
}

# --- The addon's wheel -------------------------------------------------------

# Build odoo-addon-incubator_community with whool (pyproject.toml), as OCA's
# 18.0 repositories build theirs, from the checkout's files under the
# module's own name; install it into a fresh environment that sees Odoo and
# its requirements but not this checkout, and check that Odoo finds the addon
# in that environment's odoo/addons (the odoo.addons namespace), not through
# --addons-path.
check_addon_wheel() {
    local stage wheel env purelib
    stage="$(mktemp -d)"
    mkdir "$stage/$MODULE"
    if git -C "$ROOT" rev-parse --is-inside-work-tree >/dev/null 2>&1; then
        git -C "$ROOT" ls-files -z --cached --others --exclude-standard |
            tar -C "$ROOT" --null -T - -cf - | tar -C "$stage/$MODULE" -xf -
    else
        tar -C "$ROOT" --exclude=./.run --exclude=./.git --exclude=__pycache__ -cf - . |
            tar -C "$stage/$MODULE" -xf -
    fi
    "$PY" -m pip wheel -q --disable-pip-version-check --no-deps --no-build-isolation \
        -w "$stage/dist" "$stage/$MODULE" >"$LOGDIR/wheel.log" 2>&1 || {
        tail -20 "$LOGDIR/wheel.log" >&2
        die "Building the wheel failed (log: $LOGDIR/wheel.log)"
    }
    wheel="$(ls "$stage"/dist/odoo_addon_"$MODULE"-*.whl 2>/dev/null | head -1)"
    [ -n "$wheel" ] || die "pip wheel built no odoo_addon_$MODULE-*.whl"
    env="$RUN/wheel-env"
    rm -rf "$env"
    "$PY" -m venv --without-pip --system-site-packages "$env"
    # Odoo and its requirements, as the environment of the test command has
    # them; the checkout itself is not on any path
    purelib="$("$PY" -c 'import sysconfig; print(sysconfig.get_paths()["purelib"])')"
    printf 'import site; site.addsitedir(%s)\n' "'$purelib'" \
        >"$("$env/bin/python" -c 'import sysconfig; print(sysconfig.get_paths()["purelib"])')/incubator-test-odoo.pth"
    "$PY" -m pip --python "$env/bin/python" install -q --disable-pip-version-check --no-deps \
        --no-index "$wheel" >>"$LOGDIR/wheel.log" 2>&1 || {
        tail -20 "$LOGDIR/wheel.log" >&2
        die "Installing the wheel into $env failed (log: $LOGDIR/wheel.log)"
    }
    (cd "$env" && "$env/bin/python" - "$MODULE" "$env" <<'PYEOF') || die "Odoo does not find the addon installed from its wheel"
import importlib
import sys

from odoo.modules import module
from odoo.tools import config

name, env = sys.argv[1], sys.argv[2]
# Odoo's own addons only: the addon must come from the wheel
config.parse_config(["--config", "/dev/null"], setup_logging=False)
module.initialize_sys_path()
path = module.get_module_path(name, display_warning=False)
if not path or not path.startswith(env):
    sys.exit(f"{name} found at {path!r}, not in {env}")
manifest = module.get_manifest(name)
importlib.import_module(f"odoo.addons.{name}")
print(f"{name} {manifest['version']} found by Odoo in {path}")
PYEOF
    info "$(basename "$wheel") ($(du -k "$wheel" | cut -f1) kB) installs, and Odoo finds it"
    rm -rf "$stage"
}

# --- PostgreSQL --------------------------------------------------------------

pg_bindir() {
    local dir
    for dir in "${INCUBATOR_PG_BINDIR:-}" /usr/lib/postgresql/*/bin; do
        if [ -n "$dir" ] && [ -x "$dir/initdb" ] && [ -x "$dir/pg_ctl" ]; then
            echo "$dir"
            return
        fi
    done
    if command -v initdb >/dev/null && command -v pg_ctl >/dev/null; then
        dirname "$(command -v pg_ctl)"
        return
    fi
    return 1
}

ensure_pg_binaries() {
    if ! PG_BIN="$(pg_bindir)"; then
        if [ "$(id -u)" = 0 ] && command -v apt-get >/dev/null; then
            step "Installing PostgreSQL server binaries (apt-get install postgresql)"
            DEBIAN_FRONTEND=noninteractive apt-get install -y -qq postgresql >/dev/null ||
                { apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq postgresql >/dev/null; } ||
                die "Could not install PostgreSQL."
            PG_BIN="$(pg_bindir)" || die "PostgreSQL installed but initdb not found."
        else
            die "PostgreSQL server binaries (initdb, pg_ctl) not found: install PostgreSQL 15 or newer (Debian: apt-get install postgresql), or set INCUBATOR_DB_HOST to use an existing server."
        fi
    fi
}

# Run a command as the owner of the private cluster. PostgreSQL refuses to run
# as root, so as root the cluster belongs to the 'postgres' system user.
as_pg() {
    if [ "$(id -u)" = 0 ]; then
        (cd / && runuser -u "$PG_OS_USER" -- "$@")
    else
        "$@"
    fi
}

pg_prepare_dirs() {
    PG_DIR="$RUN/pg"
    PG_OS_USER="$(id -un)"
    if [ "$(id -u)" != 0 ]; then
        mkdir -p "$PG_DIR"
        return
    fi
    PG_OS_USER="${INCUBATOR_PG_OS_USER:-postgres}"
    if ! id "$PG_OS_USER" >/dev/null 2>&1; then
        useradd --system --no-create-home --shell /usr/sbin/nologin "$PG_OS_USER" ||
            die "Could not create the system user $PG_OS_USER for PostgreSQL."
    fi
    if [ -L "$PG_DIR" ] || { [ -d "$PG_DIR" ] && as_pg test -w "$PG_DIR/." 2>/dev/null; }; then
        return
    fi
    mkdir -p "$PG_DIR"
    chown "$PG_OS_USER" "$PG_DIR"
    if ! as_pg test -w "$PG_DIR/." 2>/dev/null; then
        # The checkout sits below a folder the postgres user cannot enter
        # (e.g. /root): keep the cluster outside, linked from .run/pg.
        local outside
        outside="/var/lib/incubator_community/pg-$(printf '%s' "$ROOT" | sha1sum | cut -c1-12)"
        info "$PG_OS_USER cannot enter $ROOT: the cluster lives in $outside (linked as .run/pg)"
        rmdir "$PG_DIR"
        mkdir -p "$outside"
        chown "$PG_OS_USER" "$outside"
        ln -s "$outside" "$PG_DIR"
    fi
}

pg_start() {
    if [ -n "${INCUBATOR_DB_HOST:-}" ]; then
        DB_HOST="$INCUBATOR_DB_HOST"
        DB_PORT="${INCUBATOR_DB_PORT:-5432}"
        DB_USER="${INCUBATOR_DB_USER:-odoo}"
        DB_PASSWORD="${INCUBATOR_DB_PASSWORD:-}"
        info "Using the PostgreSQL server at $DB_HOST:$DB_PORT as $DB_USER"
        PG_EMBEDDED=0
        return
    fi
    PG_EMBEDDED=1
    ensure_pg_binaries
    pg_prepare_dirs
    # The physical path: as root, postgres may not be able to enter the link.
    PG_DIR="$(cd "$PG_DIR" && pwd -P)"
    DB_HOST="$PG_DIR/run"
    if [ "${#DB_HOST}" -gt 80 ]; then
        # A Unix socket path is limited to 107 bytes: use a short folder.
        DB_HOST="/tmp/incubator-pg-$(printf '%s' "$ROOT" | sha1sum | cut -c1-12)"
        as_pg mkdir -p "$DB_HOST"
    fi
    DB_PORT="${INCUBATOR_PG_PORT:-54329}"
    DB_USER=odoo
    DB_PASSWORD=""
    if [ ! -f "$PG_DIR/data/PG_VERSION" ]; then
        step "Creating the private PostgreSQL cluster in .run/pg"
        as_pg mkdir -p "$PG_DIR/run" "$DB_HOST"
        as_pg "$PG_BIN/initdb" -D "$PG_DIR/data" -U "$DB_USER" --auth=trust -E UTF8 \
            --locale=C.UTF-8 >"$LOGDIR/initdb.log" 2>&1 ||
            die "initdb failed, see $LOGDIR/initdb.log"
        # A private development cluster: no TCP, and speed over crash safety.
        as_pg tee -a "$PG_DIR/data/postgresql.conf" >/dev/null <<EOF
listen_addresses = ''
fsync = off
synchronous_commit = off
full_page_writes = off
max_connections = 200
EOF
    fi
    if ! as_pg "$PG_BIN/pg_ctl" -D "$PG_DIR/data" status >/dev/null 2>&1; then
        step "Starting the private PostgreSQL cluster (socket in $DB_HOST)"
        as_pg "$PG_BIN/pg_ctl" -D "$PG_DIR/data" -l "$PG_DIR/postgresql.log" -w \
            -o "-p $DB_PORT -k $DB_HOST" start >/dev/null ||
            die "PostgreSQL did not start, see $PG_DIR/postgresql.log"
        PG_STARTED_HERE=1
    else
        info "Reusing the running private PostgreSQL cluster"
    fi
}

pg_stop() {
    if [ "${PG_EMBEDDED:-0}" = 1 ] && [ "${PG_STARTED_HERE:-0}" = 1 ] &&
        [ "${INCUBATOR_KEEP_PG:-0}" != 1 ]; then
        [ "${PG_STOP_QUIET:-0}" = 1 ] || step "Stopping the private PostgreSQL cluster"
        as_pg "$PG_BIN/pg_ctl" -D "$PG_DIR/data" -m fast -w stop >/dev/null || true
    fi
}

psql_cmd() {
    PGPASSWORD="$DB_PASSWORD" psql -X -q -v ON_ERROR_STOP=1 -h "$DB_HOST" -p "$DB_PORT" \
        -U "$DB_USER" -d postgres "$@"
}

db_exists() {
    [ "$(psql_cmd -Atc "SELECT 1 FROM pg_database WHERE datname = '$1'")" = 1 ]
}

# --- Odoo ----------------------------------------------------------------------

write_odoo_conf() {
    cat >"$CONF" <<EOF
[options]
db_host = $DB_HOST
db_port = $DB_PORT
db_user = $DB_USER
db_password = ${DB_PASSWORD:-False}
addons_path = $ADDONS_PATH
data_dir = $RUN/data
http_interface = ${INCUBATOR_HTTP_INTERFACE:-127.0.0.1}
http_port = ${INCUBATOR_HTTP_PORT:-8069}
list_db = False
EOF
}

odoo_bin() {
    (cd "$RUN" && "$PY" -c 'import odoo.cli; odoo.cli.main()' -c "$CONF" "$@")
}

# Run Odoo to install/update modules and fail if its log holds a WARNING,
# ERROR or CRITICAL line.
odoo_install_checked() {
    local log="$1"
    shift
    # Odoo appends to its log file: start from an empty one
    : >"$log"
    if ! odoo_bin "$@" --stop-after-init --log-level=info --logfile="$log"; then
        grep -E ' (ERROR|CRITICAL) ' "$log" | tail -20 >&2 || true
        die "Odoo failed, see $log"
    fi
    if grep -qE '^[0-9-]+ [0-9:,]+ [0-9]+ (WARNING|ERROR|CRITICAL) ' "$log"; then
        grep -E '^[0-9-]+ [0-9:,]+ [0-9]+ (WARNING|ERROR|CRITICAL) ' "$log" | head -20 >&2
        die "Odoo logged warnings or errors, see $log"
    fi
}

# The demo database of scripts/run: created with the module and its demo data
# when missing, else the module is upgraded in it.
ensure_demo_db() {
    local db="$1"
    if db_exists "$db"; then
        step "Upgrading $MODULE in the existing database $db"
        odoo_install_checked "$LOGDIR/run-upgrade.log" -d "$db" -u "$MODULE"
    else
        step "Creating the database $db with $MODULE and demo data (a few minutes the first time)"
        odoo_install_checked "$LOGDIR/run-install.log" -d "$db" -i "$MODULE"
        step "Installing French (default), Dutch and English in $db"
        odoo_shell_checked "$LOGDIR/run-languages.log" "$db" <<EOF
import sys
sys.path.insert(0, "$ROOT/scripts")
import demo_languages
demo_languages.setup(env)
env.cr.commit()
EOF
    fi
}

# Run the Python read on stdin in "odoo shell" on a database (the shell gives
# it "env"), and fail if it raises.
odoo_shell_checked() {
    local log="$1" db="$2"
    : >"$log"
    if ! (cd "$RUN" && "$PY" -c 'import odoo.cli; odoo.cli.main()' shell -c "$CONF" -d "$db" \
        --no-http --log-level=warn --shell-interface=python) >>"$log" 2>&1; then
        tail -20 "$log" >&2
        die "odoo shell failed, see $log"
    fi
    if grep -q 'Traceback' "$log"; then
        tail -20 "$log" >&2
        die "odoo shell failed, see $log"
    fi
}

copy_filestore() {
    local from="$RUN/data/filestore/$1" to="$RUN/data/filestore/$2"
    rm -rf "$to"
    if [ -d "$from" ]; then
        mkdir -p "$(dirname "$to")"
        cp -a "$from" "$to"
    fi
}

drop_db() {
    if db_exists "$1"; then
        psql_cmd -c "DROP DATABASE \"$1\" WITH (FORCE)"
    fi
    rm -rf "$RUN/data/filestore/$1"
}

# The template database of the tests and benchmarks: Odoo with the
# dependencies installed without demo data, named after the Odoo version and
# the dependency list, built once and reused. Sets TEMPLATE.
ensure_template() {
    local key old
    key="$(printf '%s\n' "$ODOO_VERSION" "$ODOO_DIR" "$ODOO_DEPENDS" | sha1sum | cut -c1-10)"
    TEMPLATE="incubator_tmpl_$key"
    if db_exists "$TEMPLATE"; then
        info "Reusing the template database $TEMPLATE"
        return
    fi
    step "Building the template database $TEMPLATE with $ODOO_DEPENDS (first run only, a few minutes)"
    for old in $(psql_cmd -Atc "SELECT datname FROM pg_database WHERE datname LIKE 'incubator\_tmpl\_%'"); do
        drop_db "$old"
    done
    odoo_install_checked "$LOGDIR/template.log" -d "$TEMPLATE.building" -i "$ODOO_DEPENDS" \
        --without-demo=all
    psql_cmd -c "ALTER DATABASE \"$TEMPLATE.building\" RENAME TO \"$TEMPLATE\""
    rm -rf "$RUN/data/filestore/$TEMPLATE"
    if [ -d "$RUN/data/filestore/$TEMPLATE.building" ]; then
        mv "$RUN/data/filestore/$TEMPLATE.building" "$RUN/data/filestore/$TEMPLATE"
    fi
}
