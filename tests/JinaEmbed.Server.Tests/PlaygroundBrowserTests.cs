// The playground (/) and the API reference (/docs) in a real headless chromium against a real server on a loopback
// port: the page is driven as a person would (type, pick, click) and what it renders is compared with the API's own
// vectors.
using System.Globalization;
using System.Text.Json;
using OpenQA.Selenium;

namespace JinaEmbed.Server.Tests;

public class PlaygroundBrowserTests
{
    private static readonly string[] Texts = ["The cat sits on the mat.", "A kitten rests on a rug.", "Stock markets fell sharply today."];

    [Fact]
    public async Task PlaygroundRendersTheCosineMatrixOfTheApisVectors()
    {
        await using var server = await RunningServer.StartTinyAsync();
        using var browser = HeadlessChromium.Start();
        browser.WebDriver.Navigate().GoToUrl(server.Server.BaseAddress);
        browser.WaitForStatus("Ready.");
        Assert.Equal("tiny-jina-v3", browser.WebDriver.FindElement(By.Id("model")).Text);

        TypeTexts(browser, Texts);
        browser.WebDriver.FindElement(By.CssSelector("#task option[value='retrieval.query']")).Click();
        var dimensions = browser.WebDriver.FindElements(By.CssSelector("#dimensions option")).Last();
        int? width = dimensions.GetAttribute("value") is { Length: > 0 } chosen ? int.Parse(chosen, CultureInfo.InvariantCulture) : null;
        dimensions.Click();
        browser.WebDriver.FindElement(By.Id("embed")).Click();

        var rendered = ReadMatrix(browser, "similarity", Texts.Length, Texts.Length);
        var body = new Dictionary<string, object?> { ["input"] = Texts, ["task"] = "retrieval.query", ["embedding_type"] = "float" };
        if (width != null)
        {
            body["dimensions"] = width;
        }

        var response = await server.EmbedAsync(JsonSerializer.Serialize(body));
        AssertMatrix(CosineMatrix(SingleVectors(response)), rendered, "the similarity heat map");
        Assert.Equal(response.GetProperty("usage").GetProperty("total_tokens").GetInt32().ToString(CultureInfo.InvariantCulture), browser.WebDriver.FindElement(By.Id("tokens")).Text);
        Assert.True(double.TryParse(browser.WebDriver.FindElement(By.Id("server-time")).Text, CultureInfo.InvariantCulture, out _), "the server time shown is a number of milliseconds");
        string expectedWidth = (width ?? response.GetProperty("data")[0].GetProperty("embedding").GetArrayLength()).ToString(CultureInfo.InvariantCulture);
        Assert.Equal(expectedWidth, browser.WebDriver.FindElement(By.Id("vector-width")).Text);
    }

    [Fact]
    public async Task PlaygroundSendsTheApiKeyTypedIntoThePage()
    {
        const string key = "playground-secret";
        await using var server = await RunningServer.StartTinyAsync(o => o.ApiKey = key);
        using var browser = HeadlessChromium.Start();
        browser.WebDriver.Navigate().GoToUrl(server.Server.BaseAddress);
        browser.WaitForStatus("This server needs an API key: enter it above.");
        Assert.False(browser.WebDriver.FindElement(By.Id("embed")).Enabled, "embedding stays off until the key is accepted");

        browser.WebDriver.FindElement(By.Id("api-key")).SendKeys(key + Keys.Tab);
        browser.WaitForStatus("Ready.");
        TypeTexts(browser, Texts[..2]);
        browser.WebDriver.FindElement(By.Id("embed")).Click();
        var rendered = ReadMatrix(browser, "similarity", 2, 2);

        using var keyed = await server.PostAsync("/v1/embeddings", JsonSerializer.Serialize(new { input = Texts[..2], embedding_type = "float" }), key);
        Assert.True(keyed.IsSuccessStatusCode, $"{(int)keyed.StatusCode}");
        var response = JsonDocument.Parse(await keyed.Content.ReadAsStringAsync()).RootElement;
        AssertMatrix(CosineMatrix(SingleVectors(response)), rendered, "the similarity heat map with a key");
    }

    [Fact]
    public async Task PlaygroundAlignsQueryAndDocumentTokensByMaxSim()
    {
        await using var server = await RunningServer.StartModelAsync(Fixtures.Path("tiny-jina-v4"));
        using var browser = HeadlessChromium.Start();
        browser.WebDriver.Navigate().GoToUrl(server.Server.BaseAddress);
        browser.WaitForStatus("Ready.");
        Assert.True(browser.WebDriver.FindElement(By.Id("maxsim")).Displayed, "a multi-vector model shows the MaxSim section");
        Assert.True(browser.WebDriver.FindElement(By.Id("image-input")).Displayed, "an image model shows the image drop zone");

        const string query = "Where does the cat sit?";
        const string document = "The cat sits on the mat near the door.";
        var queryField = browser.WebDriver.FindElement(By.Id("query"));
        queryField.Clear();
        queryField.SendKeys(query);
        var documentField = browser.WebDriver.FindElement(By.Id("document"));
        documentField.Clear();
        documentField.SendKeys(document);
        browser.WebDriver.FindElement(By.Id("align")).Click();

        var queryTokens = TokenVectors(await server.EmbedAsync(JsonSerializer.Serialize(new { input = new[] { query }, task = "retrieval.query", return_multivector = true })));
        var documentTokens = TokenVectors(await server.EmbedAsync(JsonSerializer.Serialize(new { input = new[] { document }, task = "retrieval.passage", return_multivector = true })));
        var rendered = ReadMatrix(browser, "alignment", queryTokens.Length, documentTokens.Length);

        var expected = queryTokens.Select(q => documentTokens.Select(d => Dot(q, d)).ToArray()).ToArray();
        AssertMatrix(expected, rendered, "the token alignment heat map");
        double maxSim = expected.Sum(row => row.Max());
        string shown = browser.WaitFor(d => d.FindElement(By.Id("maxsim-score")).GetAttribute("data-value") is { Length: > 0 } v ? v : null, "the MaxSim score");
        Assert.True(Math.Abs(maxSim - double.Parse(shown, CultureInfo.InvariantCulture)) <= 1e-9, $"MaxSim shown {shown}, from the API's vectors {maxSim}");

        var best = browser.WebDriver.FindElements(By.CssSelector("#alignment td.best"));
        Assert.Equal(queryTokens.Length, best.Count);
        foreach (var cell in best)
        {
            int row = int.Parse(cell.GetAttribute("data-row")!, CultureInfo.InvariantCulture);
            int column = int.Parse(cell.GetAttribute("data-column")!, CultureInfo.InvariantCulture);
            Assert.Equal(Array.IndexOf(expected[row], expected[row].Max()), column);
        }

        // The rows are labelled with the query's tokens as /tokenize reports them (prefix pieces, then the text covered).
        var labels = browser.WebDriver.FindElements(By.CssSelector("#alignment tbody th")).Select(th => th.GetAttribute("title")).ToArray();
        Assert.Equal(queryTokens.Length, labels.Length);
        Assert.EndsWith(query.Replace(" ", string.Empty, StringComparison.Ordinal), string.Concat(labels).Replace(" ", string.Empty, StringComparison.Ordinal), StringComparison.Ordinal);
    }

    [Fact]
    public async Task ApiReferenceRendersFromTheServersOwnAssets()
    {
        await using var server = await RunningServer.StartTinyAsync();
        using var browser = HeadlessChromium.Start();
        browser.WebDriver.Navigate().GoToUrl(new Uri(server.Server.BaseAddress, "docs"));

        // Scalar renders the operations from /openapi/v1.json: the summaries of the document appear in the page.
        browser.WaitUntil(d => d.FindElement(By.TagName("body")).Text.Contains("Embed texts, images or token ids", StringComparison.Ordinal), "the reference to render the embeddings operation");
        var resources = browser.LoadedResources();
        Assert.Contains(resources, r => r.EndsWith("/openapi/v1.json", StringComparison.Ordinal));
        string origin = server.Server.BaseAddress.GetLeftPart(UriPartial.Authority);
        var foreign = resources.Where(r => !r.StartsWith(origin + "/", StringComparison.Ordinal) && !r.StartsWith("data:", StringComparison.Ordinal)).ToArray();
        Assert.True(foreign.Length == 0, $"the reference loaded from elsewhere: {string.Join(", ", foreign)}");
    }

    private static void TypeTexts(HeadlessChromium browser, IEnumerable<string> texts)
    {
        var area = browser.WebDriver.FindElement(By.Id("texts"));
        area.Clear();
        area.SendKeys(string.Join("\n", texts));
    }

    /// <summary>Waits for the table to have rows × columns cells; returns their data-value numbers, checking the text shown.</summary>
    private static double[][] ReadMatrix(HeadlessChromium browser, string tableId, int rows, int columns)
    {
        var cells = browser.WaitFor(
            d => d.FindElements(By.CssSelector($"#{tableId} tbody td")) is { Count: var n } found && n == rows * columns ? found : null,
            $"{rows}×{columns} cells in #{tableId}");
        var matrix = new double[rows][];
        for (int i = 0; i < rows; i++)
        {
            matrix[i] = new double[columns];
        }

        foreach (var cell in cells)
        {
            int row = int.Parse(cell.GetAttribute("data-row")!, CultureInfo.InvariantCulture);
            int column = int.Parse(cell.GetAttribute("data-column")!, CultureInfo.InvariantCulture);
            double value = double.Parse(cell.GetAttribute("data-value")!, CultureInfo.InvariantCulture);
            Assert.Equal(value.ToString("F3", CultureInfo.InvariantCulture), cell.Text);
            matrix[row][column] = value;
        }

        return matrix;
    }

    private static void AssertMatrix(double[][] expected, double[][] rendered, string what)
    {
        Assert.Equal(expected.Length, rendered.Length);
        for (int i = 0; i < expected.Length; i++)
        {
            for (int j = 0; j < expected[i].Length; j++)
            {
                // The page computes in doubles from the same JSON numbers; only the order of the sums may differ.
                Assert.True(Math.Abs(expected[i][j] - rendered[i][j]) <= 1e-9, $"{what} [{i},{j}]: shown {rendered[i][j]}, from the API's vectors {expected[i][j]}");
            }
        }
    }

    /// <summary>Each item's vector, read as the page reads it (JSON numbers as doubles).</summary>
    private static double[][] SingleVectors(JsonElement response) =>
        response.GetProperty("data").EnumerateArray().Select(item => Numbers(item.GetProperty("embedding"))).ToArray();

    /// <summary>The first item's token vectors.</summary>
    private static double[][] TokenVectors(JsonElement response) =>
        response.GetProperty("data")[0].GetProperty("embeddings").EnumerateArray().Select(Numbers).ToArray();

    private static double[] Numbers(JsonElement array) => array.EnumerateArray().Select(v => v.GetDouble()).ToArray();

    private static double[][] CosineMatrix(double[][] vectors) =>
        vectors.Select(a => vectors.Select(b => Dot(a, b) / Math.Sqrt(Dot(a, a) * Dot(b, b))).ToArray()).ToArray();

    private static double Dot(double[] a, double[] b)
    {
        double sum = 0;
        for (int i = 0; i < a.Length; i++)
        {
            sum += a[i] * b[i];
        }

        return sum;
    }
}
