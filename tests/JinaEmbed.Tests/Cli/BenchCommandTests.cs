// `jinaembed bench` finds the harness of the checkout and forwards arguments (issue #7).
using JinaEmbed.Cli.Commands;

namespace JinaEmbed.Tests.Cli;

public sealed class BenchCommandTests
{
    [Fact]
    public async Task DryRun_ShowsTheHarnessCommandWithForwardedArguments()
    {
        var (exitCode, output, _) = await CliRunner.RunAsync(BenchCommand.Create(), "bench", "--dry-run", "--", "--quick", "--items", "8");

        Assert.Equal(0, exitCode);
        Assert.StartsWith("dotnet run -c Release --project ", output, StringComparison.Ordinal);
        Assert.EndsWith("JinaEmbed.Bench.csproj -- --quick --items 8", output.Trim(), StringComparison.Ordinal);
    }

    [Fact]
    public async Task MissingHarness_SaysWhereItLives()
    {
        var (exitCode, _, error) = await CliRunner.RunAsync(BenchCommand.Create(), "bench", "--project", "no/such.csproj");

        Assert.Equal(2, exitCode);
        Assert.Contains("inside a checkout of the repository", error, StringComparison.Ordinal);
    }
}
