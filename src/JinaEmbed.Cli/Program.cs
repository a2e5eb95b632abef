// jinaembed: the command-line host. Each command lives in Commands/ and is a thin layer over the library.
using System.CommandLine;
using JinaEmbed.Cli.Commands;

var root = new RootCommand("jina-embeddings-v3 in pure .NET: embed, tokenize and serve.");
root.Subcommands.Add(TokenizeCommand.Create());
return await root.Parse(args).InvokeAsync();
