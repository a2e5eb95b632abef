// One toy-backed server shared by the tests of a class.
namespace JinaEmbed.Server.Tests;

public sealed class ToyServerFixture : IAsyncLifetime
{
    internal RunningServer Running { get; private set; } = null!;

    public async Task InitializeAsync() => Running = await RunningServer.StartToyAsync();

    public async Task DisposeAsync() => await Running.DisposeAsync();
}
