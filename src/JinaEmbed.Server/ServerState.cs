// Lifecycle of a server instance, as /ready reports it (api.md "Other endpoints", 503 rows of "Errors").
namespace JinaEmbed.Server;

/// <summary>Where the server is in its life.</summary>
internal enum ServerState
{
    /// <summary>Port bound; model loading or warming up (503).</summary>
    Loading,

    /// <summary>Serving.</summary>
    Ready,

    /// <summary>Draining in-flight requests; new ones get 503.</summary>
    ShuttingDown,

    /// <summary>The model could not be loaded (503; /health still answers).</summary>
    Failed,
}
