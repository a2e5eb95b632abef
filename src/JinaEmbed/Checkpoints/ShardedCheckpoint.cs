// The base weights of a Hugging Face model folder: one model.safetensors, or shards listed by
// model.safetensors.index.json (spec §3.1). Every name is resolved through the index, since a layer can straddle shards.
using System.Text.Json;

namespace JinaEmbed.Checkpoints;

/// <summary>Tensors of a (possibly sharded) safetensors checkpoint, looked up by name; owns the opened files.</summary>
public sealed class ShardedCheckpoint : IDisposable
{
    /// <summary>The shard index's file name.</summary>
    public const string IndexFileName = "model.safetensors.index.json";

    /// <summary>The single-file checkpoint's name.</summary>
    public const string SingleFileName = "model.safetensors";

    private readonly Dictionary<string, (SafetensorsFile File, string Stored)> _byName;
    private readonly List<SafetensorsFile> _files;

    private ShardedCheckpoint(string directory, Dictionary<string, (SafetensorsFile File, string Stored)> byName, List<SafetensorsFile> files)
    {
        Directory = directory;
        _byName = byName;
        _files = files;
    }

    /// <summary>The model folder.</summary>
    public string Directory { get; }

    /// <summary>Every tensor name of the checkpoint (canonical names when opened with a renaming).</summary>
    public IReadOnlyCollection<string> Names => _byName.Keys;

    /// <summary>The opened files (one, or one per shard).</summary>
    public IReadOnlyList<SafetensorsFile> Files => _files;

    /// <summary>
    /// Opens the checkpoint of <paramref name="directory"/>: through model.safetensors.index.json when present,
    /// else model.safetensors. <paramref name="canonicalName"/> maps a stored name to the name callers use (one
    /// spelling for checkpoints saved under two naming schemes); null keeps the stored names.
    /// </summary>
    /// <exception cref="CheckpointException">The index is malformed, a shard is missing, a shard lacks a tensor the index places in it, or two stored names map to one.</exception>
    public static ShardedCheckpoint Open(string directory, Func<string, string>? canonicalName = null)
    {
        ArgumentNullException.ThrowIfNull(directory);
        canonicalName ??= name => name;
        string indexPath = Path.Combine(directory, IndexFileName);
        if (!File.Exists(indexPath))
        {
            string single = Path.Combine(directory, SingleFileName);
            if (!File.Exists(single))
            {
                throw new CheckpointException($"Model folder {directory} has neither {IndexFileName} nor {SingleFileName}.");
            }

            var file = SafetensorsFile.Open(single);
            try
            {
                var names = new Dictionary<string, (SafetensorsFile, string)>(StringComparer.Ordinal);
                foreach (var name in file.Tensors.Keys)
                {
                    Add(names, canonicalName(name), file, name);
                }

                return new ShardedCheckpoint(directory, names, [file]);
            }
            catch
            {
                file.Dispose();
                throw;
            }
        }

        var weightMap = ReadWeightMap(indexPath);
        var files = new List<SafetensorsFile>();
        try
        {
            var opened = new Dictionary<string, SafetensorsFile>(StringComparer.Ordinal);
            var byName = new Dictionary<string, (SafetensorsFile, string)>(StringComparer.Ordinal);
            foreach (var (name, shard) in weightMap)
            {
                if (!opened.TryGetValue(shard, out var file))
                {
                    string path = Path.Combine(directory, shard);
                    if (!File.Exists(path))
                    {
                        throw new CheckpointException($"Checkpoint shard {path} (listed in {indexPath} for tensor '{name}') does not exist.");
                    }

                    file = SafetensorsFile.Open(path);
                    files.Add(file);
                    opened[shard] = file;
                }

                if (!file.Tensors.ContainsKey(name))
                {
                    throw new CheckpointException($"Checkpoint shard {file.FilePath} lacks tensor '{name}', which {indexPath} places in it.");
                }

                Add(byName, canonicalName(name), file, name);
            }

            return new ShardedCheckpoint(directory, byName, files);
        }
        catch
        {
            foreach (var file in files)
            {
                file.Dispose();
            }

            throw;
        }
    }

    /// <summary>Whether the checkpoint holds <paramref name="name"/>.</summary>
    public bool Contains(string name) => _byName.ContainsKey(name);

    /// <summary>The file holding <paramref name="name"/> and its tensor entry.</summary>
    /// <exception cref="CheckpointException">No shard holds the tensor.</exception>
    public (SafetensorsFile File, SafetensorsTensor Tensor) Get(string name)
    {
        if (!_byName.TryGetValue(name, out var entry))
        {
            throw new CheckpointException($"Checkpoint in {Directory} is missing tensor '{name}'.");
        }

        return (entry.File, entry.File.Get(entry.Stored));
    }

    /// <summary>The same, checking that the tensor has exactly <paramref name="shape"/>.</summary>
    /// <exception cref="CheckpointException">The tensor is missing or misshapen.</exception>
    public (SafetensorsFile File, SafetensorsTensor Tensor) Get(string name, params int[] shape)
    {
        var (file, tensor) = Get(name);
        if (!tensor.Shape.AsSpan().SequenceEqual(shape))
        {
            throw new CheckpointException($"Checkpoint {file.FilePath}: tensor '{tensor.Name}' has shape {tensor.ShapeText}, expected [{string.Join(", ", shape)}].");
        }

        return (file, tensor);
    }

    /// <summary>Reads a whole tensor widened to fp32.</summary>
    public float[] ReadFloat32(string name, params int[] shape)
    {
        var (file, tensor) = Get(name, shape);
        return file.ReadFloat32(tensor);
    }

    /// <summary>Closes every shard.</summary>
    public void Dispose()
    {
        foreach (var file in _files)
        {
            file.Dispose();
        }
    }

    private static void Add(Dictionary<string, (SafetensorsFile, string)> names, string canonical, SafetensorsFile file, string stored)
    {
        if (!names.TryAdd(canonical, (file, stored)))
        {
            throw new CheckpointException($"Checkpoint {file.FilePath}: tensors '{names[canonical].Item2}' and '{stored}' are the same tensor under two spellings.");
        }
    }

    private static List<(string Name, string Shard)> ReadWeightMap(string indexPath)
    {
        using var document = ConfigJson.ParseObject(ConfigJson.ReadText(indexPath), indexPath);
        if (!document.RootElement.TryGetProperty("weight_map", out var map) || map.ValueKind != JsonValueKind.Object)
        {
            throw new CheckpointException($"Shard index {indexPath} has no 'weight_map' object.");
        }

        var entries = new List<(string, string)>();
        foreach (var entry in map.EnumerateObject())
        {
            if (entry.Value.ValueKind != JsonValueKind.String || entry.Value.GetString() is not { Length: > 0 } shard)
            {
                throw new CheckpointException($"Shard index {indexPath}: weight_map['{entry.Name}'] must be a file name.");
            }

            // Shards live in the model folder itself: no paths that could reach outside it.
            if (shard != Path.GetFileName(shard) || shard is "." or "..")
            {
                throw new CheckpointException($"Shard index {indexPath}: weight_map['{entry.Name}'] = '{shard}' is not a file name in the model folder.");
            }

            entries.Add((entry.Name, shard));
        }

        if (entries.Count == 0)
        {
            throw new CheckpointException($"Shard index {indexPath} lists no tensors.");
        }

        return entries;
    }
}
