// The route label of a request that routing answered without a route: a 405 (a known path, the wrong method) is
// counted under the path's template, not "unmatched", so /metrics shows which route clients call wrongly.
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Routing;
using Microsoft.AspNetCore.Routing.Template;
using Microsoft.Extensions.DependencyInjection;

namespace JinaEmbed.Server;

/// <summary>Finds the route template a path matches, whatever the method.</summary>
internal static class RouteLabels
{
    /// <summary>The template of the first route whose pattern matches the request path, or null.</summary>
    public static string? Match(HttpContext context)
    {
        var endpoints = context.RequestServices.GetService<EndpointDataSource>()?.Endpoints;
        if (endpoints == null)
        {
            return null;
        }

        foreach (var endpoint in endpoints.OfType<RouteEndpoint>().OrderBy(e => e.Order))
        {
            var matcher = new TemplateMatcher(new RouteTemplate(endpoint.RoutePattern), new RouteValueDictionary());
            if (matcher.TryMatch(context.Request.Path, new RouteValueDictionary()))
            {
                return endpoint.RoutePattern.RawText;
            }
        }

        return null;
    }
}
