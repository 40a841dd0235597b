/** Defaults the implementation shares with the model's parameters. */
export const GOOD_COPY_LEN_DEFAULT = 128;
