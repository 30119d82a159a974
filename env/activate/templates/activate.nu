# Activation module for nushell, written by coil in the shape of virtualenv's:
# - Activate with `overlay use activate.nu`
# - Deactivate with `deactivate`, as usual
#
# To customize the overlay name, call `overlay use activate.nu as foo`, but then `deactivate` won't
# work: run `overlay hide foo` instead. Do not activate with `use activate.nu *`; that does not
# create an overlay and deactivation will fail. Hiding the overlay restores PATH, the prompt and
# PYTHONHOME, since every change below lives in the overlay.

export-env {
    let nu_ver = (version | get version | split row '.' | take 2 | each { into int })
    if $nu_ver.0 == 0 and $nu_ver.1 < 106 {
        error make {
            msg: 'coil nushell activation requires Nushell 0.106 or greater.'
        }
    }

    def has-env [...names] {
        $names | each {|n| $n in $env } | all {|i| $i }
    }

    def is-env-true [name: string] {
        if (has-env $name) {
            let val = ($env | get --optional $name)
            if ($val | describe) == 'bool' {
                $val
            } else {
                not ($val | is-empty)
            }
        } else {
            false
        }
    }

    let virtual_env = {{.EnvDir}}
    let bin = {{.BinDir}}
    let path_name = if (has-env 'Path') { 'Path' } else { 'PATH' }
    let new_path = ($env | get $path_name | prepend $bin)
    let virtual_env_prompt = {{.Prompt}}
    let new_env = { $path_name: $new_path VIRTUAL_ENV: $virtual_env VIRTUAL_ENV_PROMPT: $virtual_env_prompt }
    let old_prompt_command = if (has-env 'PROMPT_COMMAND') { $env.PROMPT_COMMAND } else { '' }
    let new_env = if (is-env-true 'VIRTUAL_ENV_DISABLE_PROMPT') {
        $new_env
    } else {
        let virtual_prefix = $'(char lparen)($virtual_env_prompt)(char rparen) '
        let new_prompt = if (has-env 'PROMPT_COMMAND') {
            if ('closure' in ($old_prompt_command | describe)) {
                {|| $'($virtual_prefix)(do $old_prompt_command)' }
            } else {
                {|| $'($virtual_prefix)($old_prompt_command)' }
            }
        } else {
            {|| $'($virtual_prefix)' }
        }
        $new_env | merge { PROMPT_COMMAND: $new_prompt VIRTUAL_PREFIX: $virtual_prefix }
    }
    load-env $new_env
    if (has-env 'PYTHONHOME') {
        hide-env PYTHONHOME
    }
}

# If deactivate errors "not an active overlay": activate with `overlay use activate.nu`, not
# `use activate.nu *`; for custom names use `overlay hide NAME`
export alias deactivate = overlay hide activate
