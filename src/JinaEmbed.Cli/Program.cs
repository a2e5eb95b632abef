// jinaembed: the command-line host. Each command lives in Commands/ and is a thin layer over the library.
using System.CommandLine;
using System.CommandLine.Help;
using JinaEmbed.Cli.Commands;

// Named after the installed tool rather than the assembly (RootCommand would print "JinaEmbed.Cli" in usage lines).
var root = new Command("jinaembed", "jina-embeddings-v3 and v4 (text) in pure .NET: embed, tokenize and serve.")
{
    new HelpOption(),
    new VersionOption(),
};
root.Subcommands.Add(ServeCommand.Create());
root.Subcommands.Add(EmbedCommand.Create());
root.Subcommands.Add(TokenizeCommand.Create());
root.Subcommands.Add(DownloadCommand.Create());
root.Subcommands.Add(InfoCommand.Create());
root.Subcommands.Add(BenchCommand.Create());
root.Subcommands.Add(EvalCommand.Create());
return await root.Parse(args).InvokeAsync();
