# jinaembed server image (issue #7): multi-stage build (SDK → ASP.NET runtime), runs as the non-root `app` user,
# binds 0.0.0.0:8080 inside the container and reports health from GET /health. See docs/cli.md.
#   docker build -t jinaembed .
#   docker run -p 8080:8080 -v hf-cache:/var/cache/jinaembed/huggingface jinaembed
FROM mcr.microsoft.com/dotnet/sdk:10.0 AS build
WORKDIR /src
# Restore first, from the project files only, so code edits keep the restore layer cached.
COPY global.json nuget.config Directory.Build.props ./
COPY src/JinaEmbed/JinaEmbed.csproj src/JinaEmbed/
COPY src/JinaEmbed.Server/JinaEmbed.Server.csproj src/JinaEmbed.Server/
COPY src/JinaEmbed.Cli/JinaEmbed.Cli.csproj src/JinaEmbed.Cli/
RUN dotnet restore src/JinaEmbed.Cli/JinaEmbed.Cli.csproj
COPY src/ src/
RUN dotnet publish src/JinaEmbed.Cli/JinaEmbed.Cli.csproj -c Release --no-restore -o /app -p:UseAppHost=false

FROM mcr.microsoft.com/dotnet/aspnet:10.0 AS runtime
WORKDIR /app
COPY --from=build /app ./
# The Hugging Face cache (same layout as huggingface_hub): mount a volume here to keep the model across restarts,
# or mount a host cache read-only and set HF_HUB_OFFLINE=1.
ENV HF_HOME=/var/cache/jinaembed/huggingface \
    DOTNET_CLI_TELEMETRY_OPTOUT=1
RUN mkdir -p /var/cache/jinaembed/huggingface && chown -R "$APP_UID" /var/cache/jinaembed
USER $APP_UID
VOLUME ["/var/cache/jinaembed/huggingface"]
EXPOSE 8080
# The runtime image has no curl: bash's /dev/tcp sends the request. The first start downloads ~1.1 GB, hence the grace period.
HEALTHCHECK --interval=30s --timeout=5s --start-period=10m --retries=3 \
    CMD ["bash", "-c", "exec 3<>/dev/tcp/127.0.0.1/8080 && printf 'GET /health HTTP/1.0\\r\\nHost: localhost\\r\\n\\r\\n' >&3 && head -n 1 <&3 | grep -q ' 200 '"]
ENTRYPOINT ["dotnet", "/app/JinaEmbed.Cli.dll", "serve"]
CMD ["--host", "0.0.0.0", "--port", "8080", "--model", "jinaai/jina-embeddings-v3"]
