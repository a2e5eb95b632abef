namespace JinaEmbed.Server;

/// <summary>Server settings (issue #5 fills these in).</summary>
public sealed class ServerOptions
{
    /// <summary>Address to bind; loopback by default.</summary>
    public string Host { get; set; } = "127.0.0.1";

    /// <summary>TCP port.</summary>
    public int Port { get; set; } = 8080;
}
