// A small RFC 4180 reader: comma-separated, double-quoted fields may hold commas, quotes ("") and line breaks.
using System.Text;

namespace JinaEmbed.Cli.IO;

internal static class CsvReader
{
    /// <summary>Reads records one by one; a record is the list of its fields.</summary>
    /// <exception cref="InvalidDataException">A quoted field is not closed before the end of the input.</exception>
    public static IEnumerable<List<string>> ReadRecords(TextReader reader)
    {
        var field = new StringBuilder();
        var record = new List<string>();
        var quoted = false;
        var any = false; // the current record has content (so a final line without \n still counts)
        int c;
        while ((c = reader.Read()) >= 0)
        {
            if (quoted)
            {
                if (c == '"')
                {
                    if (reader.Peek() == '"')
                    {
                        reader.Read();
                        field.Append('"');
                    }
                    else
                    {
                        quoted = false;
                    }
                }
                else
                {
                    field.Append((char)c);
                }

                continue;
            }

            switch (c)
            {
                case '"' when field.Length == 0:
                    quoted = true;
                    any = true;
                    break;
                case ',':
                    record.Add(field.ToString());
                    field.Clear();
                    any = true;
                    break;
                case '\r' when reader.Peek() == '\n':
                    break;
                case '\n':
                    record.Add(field.ToString());
                    field.Clear();
                    yield return record;
                    record = [];
                    any = false;
                    break;
                default:
                    field.Append((char)c);
                    any = true;
                    break;
            }
        }

        if (quoted)
        {
            throw new InvalidDataException("The CSV input ends inside a quoted field.");
        }

        if (any || field.Length > 0)
        {
            record.Add(field.ToString());
            yield return record;
        }
    }
}
