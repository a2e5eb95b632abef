// Image inputs of `jinaembed embed` (jina-embeddings-v4): --images DIR|FILE… (a folder's image files, sorted) and the
// "image" field of JSONL records (a path relative to the JSONL file, or base64 / a data: URI). Bytes are read lazily,
// one request's worth at a time; decoding is the library's.
using JinaEmbed.Embedding;
using JinaEmbed.Images;

namespace JinaEmbed.Cli.IO;

internal static class ImageInput
{
    /// <summary>File extensions taken from a folder (case-insensitive).</summary>
    public static readonly IReadOnlySet<string> Extensions = new HashSet<string>(StringComparer.OrdinalIgnoreCase) { ".png", ".jpg", ".jpeg", ".webp", ".gif", ".bmp" };

    /// <summary>
    /// The image files of the arguments, in order: a file as given; a folder's files with an image extension (not
    /// recursive), sorted by name (ordinal). Each path is shown as the argument joined with the file name.
    /// </summary>
    /// <exception cref="FileNotFoundException">An argument that is neither a file nor a folder.</exception>
    /// <exception cref="InvalidDataException">A folder without image files.</exception>
    public static List<string> ListFiles(IEnumerable<string> arguments)
    {
        var files = new List<string>();
        foreach (var argument in arguments)
        {
            if (File.Exists(argument))
            {
                files.Add(argument);
            }
            else if (Directory.Exists(argument))
            {
                var found = Directory.EnumerateFiles(argument)
                    .Where(f => Extensions.Contains(Path.GetExtension(f)))
                    .Select(f => Path.Combine(argument, Path.GetFileName(f)))
                    .Order(StringComparer.Ordinal)
                    .ToList();
                if (found.Count == 0)
                {
                    throw new InvalidDataException($"The folder {argument} has no image files ({string.Join(", ", Extensions.Order(StringComparer.Ordinal))}).");
                }

                files.AddRange(found);
            }
            else
            {
                throw new FileNotFoundException($"--images: {argument} is neither a file nor a folder.", argument);
            }
        }

        return files;
    }

    /// <summary>The image items of the files, each read when the pipeline reaches it.</summary>
    public static IEnumerable<EmbeddingInput> Read(IEnumerable<string> files) => files.Select(EmbeddingInput.FromImageFile);

    /// <summary>
    /// The image of a JSONL record's <c>image</c> value: base64 or a data: URI, or a file path (relative to
    /// <paramref name="baseDirectory"/>); URLs are not fetched by the CLI.
    /// </summary>
    /// <exception cref="InvalidDataException">A URL, a missing file that is not base64 either, or bad base64.</exception>
    public static EmbeddingInput FromRecord(string value, string baseDirectory, int line)
    {
        var text = value.Trim();
        if (text.StartsWith("http://", StringComparison.OrdinalIgnoreCase) || text.StartsWith("https://", StringComparison.OrdinalIgnoreCase))
        {
            throw new InvalidDataException($"JSONL line {line}: the CLI does not fetch image URLs ({Shorten(text)}); download the file and give its path.");
        }

        bool dataUri = text.StartsWith("data:", StringComparison.OrdinalIgnoreCase);
        if (!dataUri && text.Length > 0)
        {
            var path = Path.IsPathRooted(text) ? text : Path.Combine(baseDirectory, text);
            if (File.Exists(path))
            {
                return EmbeddingInput.FromImageFile(path);
            }

            // A string with a dot or a path separator but no such file is a missing file, not base64.
            if (!LooksLikeBase64(text))
            {
                throw new InvalidDataException($"JSONL line {line}: the image file {path} does not exist (a relative path is taken from the JSONL file's folder).");
            }
        }

        try
        {
            return EmbeddingInput.FromImage(ImageBase64.Decode(text));
        }
        catch (ImageException e)
        {
            throw new InvalidDataException($"JSONL line {line}: \"image\" is neither an existing file nor a valid image in base64: {e.Message}", e);
        }
    }

    private static bool LooksLikeBase64(string text) =>
        text.All(c => char.IsAsciiLetterOrDigit(c) || c is '+' or '/' or '=' or '\r' or '\n' or ' ') && !text.Contains('.');

    private static string Shorten(string text) => text.Length <= 80 ? text : text[..80] + "…";
}
