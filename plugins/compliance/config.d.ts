export interface Config {
  compliance?: {
    /** Settings of the compliance UI (the Compliance tab, card and overview). */
    ui?: {
      /**
       * Coverage (0..1: known weight / applicable weight) below which the
       * tab and card say "not enough evidence" instead of presenting the
       * score as the headline. Default 0.5.
       * @visibility frontend
       */
      minCoverage?: number;
    };
  };
}
