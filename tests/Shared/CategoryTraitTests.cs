using System.Reflection;

namespace Edge.Tests;

/// <summary>Every test in this assembly says which kind it is, so each kind can run alone.</summary>
[Trait("Category", Category.Unit)]
public sealed class CategoryTraitTests
{
    [Fact]
    public void Every_test_carries_exactly_one_known_category()
    {
        var offenders = new List<string>();
        foreach (Type type in typeof(CategoryTraitTests).Assembly.GetTypes())
        {
            foreach (MethodInfo method in type.GetMethods(BindingFlags.Public | BindingFlags.NonPublic | BindingFlags.Instance | BindingFlags.Static | BindingFlags.DeclaredOnly))
            {
                if (method.GetCustomAttribute<FactAttribute>() == null)
                {
                    continue;
                }

                var traits = TraitsOf(method).Concat(TraitsOf(type)).Where(t => t.Key == "Category").Select(t => t.Value).ToList();
                if (traits.Count != 1 || !Category.All.Contains(traits[0]))
                {
                    offenders.Add($"{type.FullName}.{method.Name}: [{string.Join(", ", traits)}]");
                }
            }
        }

        Assert.True(offenders.Count == 0, "tests without exactly one known Category trait:\n" + string.Join("\n", offenders));
    }

    private static IEnumerable<KeyValuePair<string, string>> TraitsOf(MemberInfo member) =>
        member.GetCustomAttributesData()
            .Where(a => a.AttributeType == typeof(TraitAttribute))
            .Select(a => new KeyValuePair<string, string>((string)a.ConstructorArguments[0].Value!, (string)a.ConstructorArguments[1].Value!));
}
