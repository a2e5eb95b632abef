// The playground page at / : static files embedded in the assembly (so the NuGet tool and the Docker image carry
// them), no build step, no CDN. The page calls the public API only (issue #16).
using System.Reflection;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Routing;

namespace JinaEmbed.Server;

/// <summary>Serves the playground's three files.</summary>
internal static class Playground
{
    /// <summary>Route → embedded file (LogicalName in the .csproj) and its media type.</summary>
    private static readonly (string Route, string File, string ContentType)[] Files =
    [
        ("/", "index.html", "text/html; charset=utf-8"),
        ("/playground.js", "playground.js", "text/javascript; charset=utf-8"),
        ("/playground.css", "playground.css", "text/css; charset=utf-8"),
    ];

    public static void Map(IEndpointRouteBuilder routes)
    {
        var assembly = typeof(Playground).Assembly;
        foreach (var (route, file, contentType) in Files)
        {
            byte[] content = Read(assembly, file);
            routes.MapGet(route, (HttpContext context) =>
            {
                // Revalidated on every load, so an upgraded server never runs a stale script against a new API.
                context.Response.Headers.CacheControl = "no-cache";
                return Results.Bytes(content, contentType);
            })
            .ExcludeFromDescription()
            .AllowAnonymous();
        }
    }

    private static byte[] Read(Assembly assembly, string file)
    {
        using var stream = assembly.GetManifestResourceStream("JinaEmbed.Server.Playground." + file)
            ?? throw new InvalidOperationException($"the playground file {file} is not embedded in {assembly.GetName().Name}");
        using var copy = new MemoryStream();
        stream.CopyTo(copy);
        return copy.ToArray();
    }
}
