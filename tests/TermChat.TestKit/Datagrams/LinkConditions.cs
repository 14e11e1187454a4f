namespace TermChat.TestKit.Datagrams;

/// <summary>What a simulated link does to each datagram, per direction.</summary>
/// <param name="Loss">Probability a datagram is dropped.</param>
/// <param name="Duplicate">Probability a datagram is delivered twice.</param>
/// <param name="Reorder">Probability a datagram is held back by an extra <paramref name="ReorderDelayMs"/> so later ones overtake it.</param>
/// <param name="DelayMs">One-way base delay.</param>
/// <param name="JitterMs">Uniform random extra delay in [0, JitterMs].</param>
/// <param name="ReorderDelayMs">Extra delay of a reordered datagram.</param>
public sealed record LinkConditions(double Loss = 0, double Duplicate = 0, double Reorder = 0, int DelayMs = 5, int JitterMs = 0, int ReorderDelayMs = 20)
{
    /// <summary>A clean link with a 5 ms one-way delay.</summary>
    public static LinkConditions Perfect { get; } = new();

    /// <summary>The hostile link: 30% loss, 10% duplication, 10% reordering, jitter.</summary>
    public static LinkConditions Hostile { get; } = new(Loss: 0.30, Duplicate: 0.10, Reorder: 0.10, DelayMs: 10, JitterMs: 5, ReorderDelayMs: 25);

    /// <summary>
    /// Applies the conditions to one datagram: returns the delays (ms) of its copies — none if it was lost, two if duplicated.
    /// </summary>
    public int Fate(Random random, Span<int> delays)
    {
        if (random.NextDouble() < Loss)
        {
            return 0;
        }
        int copies = random.NextDouble() < Duplicate ? 2 : 1;
        for (int i = 0; i < copies; i++)
        {
            int delay = DelayMs + (JitterMs > 0 ? random.Next(JitterMs + 1) : 0);
            if (random.NextDouble() < Reorder)
            {
                delay += ReorderDelayMs;
            }
            delays[i] = delay;
        }
        return copies;
    }
}
