using System.CommandLine;

namespace Edge.Cli.Commands.Resources;

/// <summary>
/// <c>edgectl completion bash|zsh|pwsh</c>: a shell script that asks edgectl itself what can come
/// next (System.CommandLine's [suggest] directive): verbs, options, resource types, and the
/// names of pods and nodes from the running cluster.
/// </summary>
public static class CompletionCommand
{
    public static Command Create(CliConsole console)
    {
        var shell = new Argument<string>("shell") { Description = "bash, zsh or pwsh" };
        shell.AcceptOnlyFromAmong("bash", "zsh", "pwsh");
        var command = new Command("completion", "Output shell completion code for bash, zsh or pwsh: source <(edgectl completion bash)") { shell };
        command.SetAction(parsed =>
        {
            console.Out.Write(parsed.GetValue(shell) switch
            {
                "bash" => Bash,
                "zsh" => Zsh,
                _ => Pwsh,
            });
            return ExitCodes.Ok;
        });
        return command;
    }

    private const string Bash = """
        # edgectl completion for bash: source <(edgectl completion bash)
        _edgectl_complete() {
            local IFS=$'\n'
            COMPREPLY=( $(compgen -W "$(edgectl "[suggest:${COMP_POINT}]" "${COMP_LINE}" 2>/dev/null)" -- "${COMP_WORDS[COMP_CWORD]}") )
        }
        complete -o default -F _edgectl_complete edgectl

        """;

    private const string Zsh = """
        # edgectl completion for zsh: source <(edgectl completion zsh)
        _edgectl_complete() {
            local -a suggestions
            suggestions=("${(@f)$(edgectl "[suggest:${#BUFFER[1,CURSOR]}]" "$BUFFER" 2>/dev/null)}")
            compadd -a suggestions
        }
        compdef _edgectl_complete edgectl

        """;

    private const string Pwsh = """
        # edgectl completion for PowerShell: edgectl completion pwsh | Out-String | Invoke-Expression
        Register-ArgumentCompleter -Native -CommandName edgectl -ScriptBlock {
            param($wordToComplete, $commandAst, $cursorPosition)
            edgectl "[suggest:$cursorPosition]" "$commandAst" 2>$null | ForEach-Object {
                [System.Management.Automation.CompletionResult]::new($_, $_, 'ParameterValue', $_)
            }
        }

        """;
}
