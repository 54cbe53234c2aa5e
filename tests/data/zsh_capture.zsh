# Complete a command line in a real interactive zsh and print each candidate on a line of its own.
# usage: zsh -f zsh_capture.zsh FPATH_DIR 'command line'
# A pseudo-terminal (zpty) runs `zsh -f -i` with compinit over FPATH_DIR. Hooks print markers: when
# the line editor is ready for input (zle-line-init) and when completion is over (comppostfuncs);
# compadd is wrapped to print what every completer adds. The markers are built at run time (`<z""le>`)
# so that the terminal's echo of the commands typed never matches them.
zmodload zsh/zpty
zpty z zsh -f -i
zpty -w z "PROMPT= ; fpath=($1 \$fpath); autoload -U compinit; compinit -u -D; setopt nobeep"
zpty -w z '_capture_setup() { compadd() { builtin compadd -O __hits "$@"; local h; for h in $__hits; do print -r -- "<hit>$h</hit>"; done; builtin compadd "$@" }; }'
zpty -w z '_capture_end() { print -r -- "<e""nd>" }; compprefuncs=( _capture_setup ); comppostfuncs=( _capture_end )'
zpty -w z 'zle-line-init() { print -rn -- "<z""le>" }; zle -N zle-line-init; bindkey "^I" complete-word'
zpty -r z out '*<zle>*'
zpty -w -n z "$2"$'\t'
zpty -r z out '*<end>*'
zpty -d z
print -r -- "$out" | grep -o '<hit>[^<]*</hit>' | sed -e 's/<hit>//' -e 's/<\/hit>//'
