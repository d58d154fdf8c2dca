package dev.trellis.load;

import dev.trellis.load.dataplane.DataPlaneBench;
import java.util.Arrays;

/**
 * The trellis-load jar's entry point: {@code dataplane [flags]} runs {@link DataPlaneBench}.
 *
 * <p>Thread-safety: main thread only.
 */
public final class LoadMain {
  private LoadMain() {}

  public static void main(String[] args) throws Exception {
    if (args.length == 0 || !args[0].equals("dataplane")) {
      System.err.println("usage: trellis-load dataplane [--seconds N] [--modes LIST]");
      System.exit(2);
    }
    DataPlaneBench.main(Arrays.copyOfRange(args, 1, args.length));
  }
}
