# virtualenvwrapper's functions, done by coil: workon, mkvirtualenv, mkproject, … (coil workon --help)
# coil sees virtualenvwrapper's variables even when they are set but not exported.
function __coil {
    WORKON_HOME="${WORKON_HOME-}" PROJECT_HOME="${PROJECT_HOME-}" \
    VIRTUALENVWRAPPER_HOOK_DIR="${VIRTUALENVWRAPPER_HOOK_DIR-}" \
    VIRTUALENVWRAPPER_WORKON_CD="${VIRTUALENVWRAPPER_WORKON_CD-}" \
    VIRTUALENVWRAPPER_PROJECT_FILENAME="${VIRTUALENVWRAPPER_PROJECT_FILENAME-}" {{.Self}} "$@"
}
function __coil_eval {
    local __coil_out
    __coil_out="$(__coil "$@")" || return
    eval "$__coil_out"
}
function __coil_run {
    ( builtin cd -- "$1" && shift && exec "$@" )
}
function __coil_deactivate_current {
    if typeset -f deactivate >/dev/null 2>&1; then deactivate; fi
}
function __coil_activate {
    builtin source "$1" || return
{{- if eq .Shell "zsh"}}
    (( $+functions[deactivate] )) || return 0
    functions[__coil_venv_deactivate]="${functions[deactivate]//deactivate/__coil_venv_deactivate}"
{{- else}}
    local __coil_f
    __coil_f="$(typeset -f deactivate)" || return 0
    eval "${__coil_f//deactivate/__coil_venv_deactivate}"
{{- end}}
    function deactivate { __coil_deactivate "$@"; }
}
function __coil_deactivate {
    local __coil_env="${VIRTUAL_ENV-}" __coil_hooks="${VIRTUALENVWRAPPER_HOOK_DIR:-${WORKON_HOME:-$HOME/.virtualenvs}}"
    [ -n "$__coil_env" ] && [ -f "$__coil_env/bin/predeactivate" ] && builtin source "$__coil_env/bin/predeactivate"
    [ -f "$__coil_hooks/predeactivate" ] && builtin source "$__coil_hooks/predeactivate"
    __coil_venv_deactivate "$@"
    VIRTUALENVWRAPPER_LAST_VIRTUAL_ENV="$__coil_env"
    [ -n "$__coil_env" ] && [ -f "$__coil_env/bin/postdeactivate" ] && builtin source "$__coil_env/bin/postdeactivate"
    [ -f "$__coil_hooks/postdeactivate" ] && builtin source "$__coil_hooks/postdeactivate"
    unset VIRTUALENVWRAPPER_LAST_VIRTUAL_ENV
    if [ "${1-}" != nondestructive ]; then
        unset -f deactivate __coil_venv_deactivate 2>/dev/null
    fi
    return 0
}
function workon { __coil_eval workon --emit={{.Shell}} "$@"; }
function mkvirtualenv { __coil_eval wrapper mkvirtualenv --emit={{.Shell}} "$@"; }
function mktmpenv { __coil_eval wrapper mktmpenv --emit={{.Shell}} "$@"; }
function cpvirtualenv { __coil_eval wrapper cpvirtualenv --emit={{.Shell}} "$@"; }
function mkproject { __coil_eval wrapper mkproject --emit={{.Shell}} "$@"; }
function cdproject { __coil_eval wrapper cdproject --emit={{.Shell}} "$@"; }
function cdvirtualenv { __coil_eval wrapper cdvirtualenv --emit={{.Shell}} "$@"; }
function cdsitepackages { __coil_eval wrapper cdsitepackages --emit={{.Shell}} "$@"; }
function rmvirtualenv {
    __coil wrapper rmvirtualenv "$@"
    local __coil_s=$?
    [ -d "$PWD" ] || builtin cd -- "${WORKON_HOME:-$HOME/.virtualenvs}"
    return $__coil_s
}
function lsvirtualenv { __coil wrapper lsvirtualenv "$@"; }
function showvirtualenv { __coil wrapper showvirtualenv "$@"; }
function allvirtualenv { __coil wrapper allvirtualenv "$@"; }
function lssitepackages { __coil wrapper lssitepackages "$@"; }
function add2virtualenv { __coil wrapper add2virtualenv "$@"; }
function toggleglobalsitepackages { __coil wrapper toggleglobalsitepackages "$@"; }
function wipeenv { __coil wrapper wipeenv "$@"; }
function setvirtualenvproject { __coil wrapper setvirtualenvproject "$@"; }
{{- if eq .Shell "zsh"}}
function _coil_envs {
    local -a __coil_envs
    __coil_envs=( ${WORKON_HOME:-$HOME/.virtualenvs}/*/pyvenv.cfg(N:h:t) )
    compadd -a __coil_envs
}
function _coil_cdvirtualenv {
    [[ -n ${VIRTUAL_ENV-} ]] && _path_files -W "$VIRTUAL_ENV" -/
}
function _coil_cdsitepackages {
    local -a __coil_sp
    __coil_sp=( ${VIRTUAL_ENV:-/nonexistent}/lib/*/site-packages(N/) )
    (( $#__coil_sp )) && _path_files -W "$__coil_sp[1]" -/
}
function _coil_compctl_envs {
    reply=( ${WORKON_HOME:-$HOME/.virtualenvs}/*/pyvenv.cfg(N:h:t) )
}
{{- if .Completion}}
function _coil_lazy {
    unfunction _coil_lazy
    builtin source <({{.Self}} completion zsh 2>/dev/null)
    (( $+functions[_coil] )) && _coil "$@"
}
{{- end}}
# Completion needs compinit, which ~/.zshrc may run after this: register at the first prompt then.
function __coil_compdef {
    if (( $+functions[compdef] )); then
        compdef _coil_envs workon rmvirtualenv cpvirtualenv showvirtualenv setvirtualenvproject
        compdef _coil_cdvirtualenv cdvirtualenv
        compdef _coil_cdsitepackages cdsitepackages
{{- if .Completion}}
        compdef _coil_lazy coil
{{- end}}
    else
        compctl -K _coil_compctl_envs workon rmvirtualenv cpvirtualenv showvirtualenv setvirtualenvproject
    fi
}
function __coil_compdef_once {
    add-zsh-hook -d precmd __coil_compdef_once
    __coil_compdef
}
autoload -Uz add-zsh-hook
if (( $+functions[compdef] )); then __coil_compdef; else add-zsh-hook precmd __coil_compdef_once; fi
{{- else}}
function _coil_envs {
    local __coil_cur="${COMP_WORDS[COMP_CWORD]}" __coil_d __coil_q
    COMPREPLY=()
    for __coil_d in "${WORKON_HOME:-$HOME/.virtualenvs}"/*/pyvenv.cfg; do
        [ -f "$__coil_d" ] || continue
        __coil_d="${__coil_d%/pyvenv.cfg}"
        __coil_d="${__coil_d##*/}"
        [[ "$__coil_d" == "$__coil_cur"* ]] || continue
        printf -v __coil_q '%q' "$__coil_d"
        COMPREPLY+=("$__coil_q")
    done
}
function _coil_cddirs {
    COMPREPLY=()
    [ -d "$1" ] || return 0
    local IFS=$'\n'
    COMPREPLY=( $(builtin cd -- "$1" && compgen -d -- "${COMP_WORDS[COMP_CWORD]}") )
}
function _coil_cdvirtualenv { _coil_cddirs "${VIRTUAL_ENV:-/nonexistent}"; }
function _coil_cdsitepackages {
    local __coil_sp
    for __coil_sp in "${VIRTUAL_ENV:-/nonexistent}"/lib/*/site-packages; do break; done
    _coil_cddirs "$__coil_sp"
}
complete -F _coil_envs workon rmvirtualenv cpvirtualenv showvirtualenv setvirtualenvproject
complete -o nospace -S / -F _coil_cdvirtualenv cdvirtualenv
complete -o nospace -S / -F _coil_cdsitepackages cdsitepackages
{{- if .Completion}}
function _coil_lazy {
    complete -r coil
    # cobra's script needs bash-completion's _get_comp_words_by_ref: a minimal one without it.
    declare -F _get_comp_words_by_ref >/dev/null || function _get_comp_words_by_ref {
        cur="${COMP_WORDS[COMP_CWORD]}" prev="${COMP_WORDS[COMP_CWORD-1]}" cword=$COMP_CWORD
        words=("${COMP_WORDS[@]}")
    }
    builtin source <({{.Self}} completion bash 2>/dev/null)
    return 124
}
complete -F _coil_lazy coil
{{- end}}
{{- end}}
{{- if .Auto}}
function __coil_auto_activate {
    local __coil_s=$?
    if [ "${COIL_AUTO_ACTIVATE-}" != 0 ] && [ "${__coil_auto_pwd-}" != "$PWD" ]; then
        __coil_auto_pwd="$PWD"
        __coil_eval workon --auto --emit={{.Shell}}
    fi
    return $__coil_s
}
{{- if eq .Shell "zsh"}}
add-zsh-hook precmd __coil_auto_activate
{{- else}}
case ";${PROMPT_COMMAND-};" in
*";__coil_auto_activate;"*) ;;
*) PROMPT_COMMAND="__coil_auto_activate${PROMPT_COMMAND:+;$PROMPT_COMMAND}" ;;
esac
{{- end}}
{{- end}}
__coil_hooks="${VIRTUALENVWRAPPER_HOOK_DIR:-${WORKON_HOME:-$HOME/.virtualenvs}}"
[ -f "$__coil_hooks/initialize" ] && builtin source "$__coil_hooks/initialize"
unset __coil_hooks
true
